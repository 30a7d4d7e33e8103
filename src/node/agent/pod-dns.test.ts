/** The pod's DNS configuration per dnsPolicy, as the kubelet computes it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import { parseResolvConf, podDnsConfig } from './pod-dns.js';

const HOST = '# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example\noptions edns0\n';
const settings = { clusterDNS: ['127.43.0.10'], clusterDomain: 'cluster.local' };
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [], ...spec } });

describe('podDnsConfig', () => {
  it('ClusterFirst: the cluster DNS, the namespace searches then the host\'s, ndots:5', () => {
    assert.deepEqual(podDnsConfig(pod(), settings, HOST), {
      servers: ['127.43.0.10'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:5'],
    });
  });

  it('a hostNetwork pod keeps the host\'s file unless ClusterFirstWithHostNet; Default keeps it; no cluster DNS falls back', () => {
    assert.equal(podDnsConfig(pod({ hostNetwork: true }), settings, HOST), undefined);
    assert.equal(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), settings, HOST)?.servers[0], '127.43.0.10');
    assert.equal(podDnsConfig(pod({ dnsPolicy: 'Default' }), settings, HOST), undefined);
    assert.equal(podDnsConfig(pod(), undefined, HOST), undefined);
  });

  it('None uses dnsConfig alone; dnsConfig merges into the others (options by name, no duplicates)', () => {
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }] } }), settings, HOST), {
      servers: ['1.2.3.4'], searches: ['a.example'], options: ['ndots:2'],
    });
    assert.deepEqual(podDnsConfig(pod({ dnsConfig: { nameservers: ['127.43.0.10', '9.9.9.9'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } }), settings, HOST), {
      servers: ['127.43.0.10', '9.9.9.9'], searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'], options: ['ndots:1', 'single-request'],
    });
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default', dnsConfig: { searches: ['x.example'] } }), settings, HOST), {
      servers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example', 'x.example'], options: ['edns0'],
    });
  });

  it('parses resolv.conf as the resolver does (comments, domain as search)', () => {
    assert.deepEqual(parseResolvConf('domain a.example\nnameserver 1.1.1.1 ; first\n'), { servers: ['1.1.1.1'], searches: ['a.example'], options: [] });
  });
});
