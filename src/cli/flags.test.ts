import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDurationFlag } from './durations.js';
import { parsePairs, parseTaints } from './node-specs.js';
import { UsageError } from './main.js';
import { parseServerFlags } from './server.js';

describe('server flags', () => {
  it('has upstream defaults for node health and default tolerations', () => {
    const flags = parseServerFlags([]);
    assert.equal(flags.nodeMonitorGracePeriodMs, 40_000);
    assert.deepEqual(flags.defaultTolerationSeconds, { notReadySeconds: 300, unreachableSeconds: 300 });
    assert.deepEqual(flags.controllers, ['*']);
    assert.equal(flags.scheduler, true);
  });

  it('takes Go durations and whole seconds, and names the flag when a value is wrong', () => {
    const flags = parseServerFlags(['--node-monitor-grace-period', '1m30s', '--default-unreachable-toleration-seconds', '60', '--controllers', '', '--disable-scheduler']);
    assert.equal(flags.nodeMonitorGracePeriodMs, 90_000);
    assert.equal(flags.defaultTolerationSeconds.unreachableSeconds, 60);
    assert.deepEqual(flags.controllers, []);
    assert.equal(flags.scheduler, false);
    assert.equal(parseDurationFlag('x', '500ms'), 500);
    assert.throws(() => parseServerFlags(['--node-monitor-grace-period', '40']), (err: Error) => err instanceof UsageError && err.message === 'invalid --node-monitor-grace-period "40": use a duration such as 40s, 5m or 1m30s');
    assert.throws(() => parseServerFlags(['--default-not-ready-toleration-seconds=-1']), /invalid --default-not-ready-toleration-seconds "-1": must be a whole number of seconds/);
  });

  it('reads node capacity, labels and taints as kubectl writes them', () => {
    assert.deepEqual(parsePairs('capacity', 'cpu=8, memory=32Gi'), { cpu: '8', memory: '32Gi' });
    assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,maintenance:NoExecute'), [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'maintenance', effect: 'NoExecute' },
    ]);
    assert.throws(() => parseTaints('dedicated=gpu'), /invalid --taints "dedicated=gpu": use key\[=value\]:Effect/);
    assert.throws(() => parsePairs('labels', 'justakey'), /invalid --labels "justakey": use key=value/);
  });
});
