/**
 * The TTL-after-finished controller against a real API server, on the fake clock: a
 * finished Job goes ttlSecondsAfterFinished after its Complete or Failed condition, not
 * before; Jobs without a TTL or not finished stay; a TTL changed meanwhile is honoured.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../api/objects/index.js';
import { metaTime } from '../../api/time.js';
import { resources } from '../../client/resources.js';
import type { Informer } from '../../client/informer.js';
import { startControllerTestBed, waitFor, waitUntil, type ControllerTestBed } from '../../testing/controllers.js';
import { ttlLeftMs } from './controller.js';

const newJob = (name: string, ttl?: number): Job => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }), template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
} as Job);

describe('ttl-after-finished controller', () => {
  let bed: ControllerTestBed;
  let jobs: Informer<Job>;
  const client = () => bed.env.client.resource<Job>(resources.jobs);
  /** Marks the Job finished now (as the job controller would). */
  const finish = async (name: string, type: 'Complete' | 'Failed') => {
    const job = await client().get(name, 'default');
    const at = metaTime(bed.clock.now());
    await client().updateStatus({ ...job, status: { startTime: at, ...(type === 'Complete' ? { completionTime: at } : {}), conditions: [{ type, status: 'True', lastTransitionTime: at, lastProbeTime: at, reason: 'X', message: '' }] } });
    await waitFor(jobs, (j) => j.metadata.name === name && Boolean(j.status?.conditions?.length), `${name} finished`);
  };
  const exists = (name: string) => Boolean(jobs.get(name, 'default'));
  const gone = (name: string, what: string) => waitUntil([jobs as unknown as Informer], () => !exists(name), what);
  /**
   * A barrier: a Job finished now with TTL 0 is deleted after every key that came due
   * before it was handled (the controller has one worker and a FIFO queue).
   */
  let markers = 0;
  const barrier = async () => {
    const name = `marker-${markers++}`;
    await client().create(newJob(name, 0));
    await finish(name, 'Complete');
    await gone(name, `${name} deleted`);
  };

  before(async () => {
    bed = await startControllerTestBed('ttl', ['ttl-after-finished']);
    jobs = bed.ctx.informers.for<Job>(resources.jobs);
    await jobs.waitForSync();
  });
  after(async () => { await bed.stop(); });

  it('deletes a finished Job ttlSecondsAfterFinished after it finished', async () => {
    await client().create(newJob('done', 60));
    await client().create(newJob('failed', 0));
    await client().create(newJob('keep'));
    await client().create(newJob('running', 5));
    await finish('done', 'Complete');
    await finish('keep', 'Complete');
    await finish('failed', 'Failed');
    // A TTL of 0 deletes at once.
    await gone('failed', 'failed Job deleted at once');
    bed.clock.advance(59_000);
    await barrier();
    assert.ok(exists('done'), 'not before 60 s');
    bed.clock.advance(1_000);
    await gone('done', 'done deleted after 60 s');
    bed.clock.advance(3_600_000);
    await barrier();
    assert.ok(exists('keep') && exists('running'), 'no TTL, or not finished: kept');
  });

  it('honours a TTL raised before it ran out', async () => {
    await client().create(newJob('extended', 10));
    await finish('extended', 'Complete');
    await client().patch('extended', 'default', 'merge', { spec: { ttlSecondsAfterFinished: 100 } });
    await waitFor(jobs, (j) => j.metadata.name === 'extended' && j.spec.ttlSecondsAfterFinished === 100, 'TTL raised');
    bed.clock.advance(10_000);
    await barrier();
    assert.ok(exists('extended'), 'kept past the old TTL');
    bed.clock.advance(90_000);
    await gone('extended', 'deleted at 100 s');
  });

  it('computes the time left from the finished condition', () => {
    const job = (conds: Job['status']) => ({ ...newJob('x', 30), status: conds } as Job);
    const at = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(ttlLeftMs(job({ conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] }), at + 10_000), 20_000);
    assert.equal(ttlLeftMs(job({ conditions: [{ type: 'Failed', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] }), at + 40_000), -10_000);
    assert.equal(ttlLeftMs(job({ conditions: [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] }), at), undefined);
    assert.equal(ttlLeftMs(job({}), at), undefined);
  });

  it('reported no errors', () => {
    assert.deepEqual(bed.errors, []);
  });
});
