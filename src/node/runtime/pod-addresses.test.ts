/** Pod addresses: none before a subnet, never the network/gateway/broadcast, round-robin, full subnet refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PodAddresses } from './pod-addresses.js';

describe('PodAddresses', () => {
  it('gives nothing before the subnet is known', () => {
    assert.equal(new PodAddresses().allocate('s1'), undefined);
  });

  it('hands out .2 up to the last before broadcast, round-robin, and refuses when full', () => {
    const a = new PodAddresses();
    a.setRange('127.64.3.0/29'); // .0 network, .1 gateway, .7 broadcast: .2 to .6
    assert.deepEqual(['s1', 's2', 's3'].map((s) => a.allocate(s)), ['127.64.3.2', '127.64.3.3', '127.64.3.4']);
    a.release('s1');
    assert.equal(a.allocate('s4'), '127.64.3.5', 'a freed address is not reused at once');
    assert.equal(a.allocate('s5'), '127.64.3.6');
    assert.equal(a.allocate('s6'), '127.64.3.2', 'then the freed one, after a full turn');
    assert.throws(() => a.allocate('s7'), /no address left in the pod subnet 127\.64\.3\.0\/29 \(5 addresses, all in use\)/);
  });

  it('keeps adopted addresses taken and refuses a bad subnet', () => {
    const a = new PodAddresses();
    a.setRange('127.64.0.0/24');
    a.adopt('old', '127.64.0.2');
    assert.equal(a.allocate('new'), '127.64.0.3');
    assert.throws(() => a.setRange('127.64.0.0/31'), /invalid pod CIDR/);
    assert.throws(() => a.setRange('nonsense'), /invalid pod CIDR/);
  });
});
