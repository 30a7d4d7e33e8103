import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { canonicalIp, ipFamily, ipToBytes } from './ip.js';

// node:net's isIP is the reference grammar; ip.ts parses without it (see there why).
const CASES = [
  '0.0.0.0', '127.0.0.1', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', ' 1.2.3.4', '1..2.3', '',
  '::', '::1', '1::', '1::2', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1::2::3',
  ':::', ':1::2', '1:::2', '12345::', 'g::', 'fe80::1%eth0', 'fe80::1%', 'fe80::1%a b', '::ffff:1.2.3.4', '::1.2.3.4', '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4', '1.2.3.4::', '::1.2.3.4:5', '2001:DB8::A', '::ffff:256.1.1.1', 'example.com', '1:2:3:4:5:6::1.2.3.4', '1:', ':1',
];

test('accepts exactly what node:net isIP accepts, with the same family', () => {
  for (const text of CASES) assert.equal(ipFamily(text), isIP(text), JSON.stringify(text));
});

test('bytes and canonical forms', () => {
  assert.deepEqual([...ipToBytes('::ffff:1.2.3.4')], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:A'), '2001:db8::a');
  assert.equal(canonicalIp('fe80::1%eth0'), 'fe80::1');
  assert.throws(() => ipToBytes('1::2::3'), /not an IP address/);
});
