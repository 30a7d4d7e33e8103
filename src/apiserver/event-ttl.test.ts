/** Events disappear an hour after they last changed (kube-apiserver's --event-ttl). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../api/types.js';
import { resources } from '../client/resources.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/in-process.js';
import { lastActivity } from './event-ttl.js';

describe('event expiry', () => {
  let env: InProcessCluster;
  before(async () => { env = await startInProcessCluster('event-ttl', { controllers: [] }); });
  after(async () => { await env.stop(); });

  const event = (name: string, lastTimestamp: string): KObject => ({
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Test', message: 'm', type: 'Normal',
    firstTimestamp: lastTimestamp, lastTimestamp, count: 1,
  });

  it('removes events idle for longer than the TTL and keeps the rest', async () => {
    const events = env.client.resource(resources.events);
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z');
    await events.create(event('quiet', at(0)));
    // Seen first now, repeated 30 minutes later: active until 90 minutes from now.
    await events.create({ ...event('repeated', at(0)), lastTimestamp: at(30 * 60_000), count: 5 });
    assert.equal(await env.cluster.api.expireEvents(new Date(Date.now() + 30 * 60_000)), 0);
    assert.equal(await env.cluster.api.expireEvents(new Date(Date.now() + 61 * 60_000)), 1);
    assert.deepEqual((await events.list('default')).items.map((e) => e.metadata?.name), ['repeated']);
    assert.equal(await env.cluster.api.expireEvents(new Date(Date.now() + 91 * 60_000)), 1);
    assert.deepEqual((await events.list('default')).items, []);
  });

  it('reads the last activity from whichever time field an event has', () => {
    assert.equal(lastActivity({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, eventTime: '2026-01-01T01:00:00.000000Z' }), Date.parse('2026-01-01T01:00:00Z'));
    assert.equal(lastActivity({ metadata: {}, series: { lastObservedTime: '2026-01-02T00:00:00.000000Z' } }), Date.parse('2026-01-02T00:00:00Z'));
  });
});
