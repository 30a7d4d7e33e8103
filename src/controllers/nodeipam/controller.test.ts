/**
 * Node IPAM: each node gets its own /24 of the cluster CIDR once (a preset one is kept and
 * never handed out again); subnets are handed out round-robin and freed with their node;
 * a full range says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/objects/index.js';
import { resources } from '../../client/resources.js';
import { startControllerTestBed, waitFor, type ControllerTestBed } from '../../testing/controllers.js';
import { parseCidr } from '../../util/cidr.js';
import { SubnetSet } from './controller.js';

describe('SubnetSet', () => {
  it('hands out subnets in order, skips taken ones, reuses freed ones only after a full turn', () => {
    const set = new SubnetSet(parseCidr('10.0.0.0/22')!, 24);
    set.occupy('10.0.1.0/24');
    assert.equal(set.allocate(), '10.0.0.0/24');
    assert.equal(set.allocate(), '10.0.2.0/24');
    set.release('10.0.0.0/24');
    assert.equal(set.allocate(), '10.0.3.0/24');
    assert.equal(set.allocate(), '10.0.0.0/24');
    assert.equal(set.allocate(), undefined, 'all four taken');
    set.occupy('192.168.0.0/24'); // not ours: ignored
    assert.equal(set.indexOf('10.0.2.0/25'), undefined);
  });

  it('refuses a mask size that does not fit the cluster CIDR', () => {
    assert.throws(() => new SubnetSet(parseCidr('10.0.0.0/24')!, 16), /does not fit/);
    assert.throws(() => new SubnetSet(parseCidr('10.0.0.0/8')!, 28), /more than 65536 subnets/);
  });
});

describe('node IPAM controller', () => {
  let bed: ControllerTestBed;
  before(async () => {
    bed = await startControllerTestBed('nodeipam', ['nodeipam']);
  });
  after(() => bed.stop());

  const node = (name: string, podCIDR?: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } as Node['spec'] : {} });

  it('gives each node a subnet of its own once, keeping one already set', async () => {
    const nodes = bed.ctx.client.resource<Node>(resources.nodes);
    const informer = bed.ctx.informers.for(resources.nodes);
    await nodes.create(node('preset', '127.64.0.0/24'));
    for (const name of ['a', 'b', 'c']) await nodes.create(node(name));
    await waitFor(informer, (_n, list) => list.filter((n) => (n as Node).spec?.podCIDR).length === 4, 'four nodes with a podCIDR');
    const cidrs = (informer.list() as Node[]).map((n) => [n.metadata.name, n.spec!.podCIDR!] as const);
    const byName = new Map(cidrs);
    assert.equal(byName.get('preset'), '127.64.0.0/24');
    assert.equal(new Set(byName.values()).size, 4, `distinct subnets: ${JSON.stringify(cidrs)}`);
    for (const [, cidr] of cidrs) assert.match(cidr, /^127\.64\.\d+\.0\/24$/);
    const a = (informer.get('a') as Node).spec!;
    assert.deepEqual(a.podCIDRs, [a.podCIDR]);
    assert.deepEqual(bed.errors, []);
  });
});
