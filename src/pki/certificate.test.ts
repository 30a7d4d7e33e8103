import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { generateKeyPair, inspectCertificate, issueCertificate } from './certificate.js';
import { canonicalIp, ipToBytes, isUnspecifiedIp } from './ip.js';

const day = 864e5;

function makeCa(notAfter = new Date(Date.now() + 3650 * day)) {
  const keys = generateKeyPair();
  const cert = issueCertificate({ subject: { commonName: 'test-ca' }, publicKey: keys.publicKey, signingKey: keys.privateKey, notBefore: new Date(), notAfter, isCA: true });
  return { cert, keys };
}

test('a self-signed CA is a CA that Node accepts as its own issuer', () => {
  const ca = makeCa();
  const x = new X509Certificate(ca.cert);
  assert.equal(x.ca, true);
  assert.equal(x.subject, 'CN=test-ca');
  assert.ok(x.checkIssued(x));
  assert.ok(x.verify(x.publicKey));
  const info = inspectCertificate(ca.cert);
  assert.equal(info.isCA, true);
  assert.equal(info.subjectKeyId?.length, 20);
});

test('a leaf carries subject, SANs and usages, and verifies against its CA', () => {
  const ca = makeCa();
  const leaf = generateKeyPair();
  const notBefore = new Date('2030-01-02T03:04:05Z');
  const notAfter = new Date('2055-06-07T08:09:10Z'); // past 2049: GeneralizedTime
  const pem = issueCertificate({
    subject: { commonName: 'system:node:a', organizations: ['system:nodes', 'extra'] },
    publicKey: leaf.publicKey,
    issuer: { certificatePem: ca.cert },
    signingKey: ca.keys.privateKey,
    notBefore,
    notAfter,
    dnsNames: ['localhost', 'kubernetes.default'],
    ips: ['127.0.0.1', '::1', '2001:db8::0:1'],
    extKeyUsages: ['clientAuth'],
  });
  const x = new X509Certificate(pem);
  assert.ok(x.checkIssued(new X509Certificate(ca.cert)));
  assert.ok(x.verify(new X509Certificate(ca.cert).publicKey));
  assert.ok(x.checkPrivateKey(leaf.privateKey));
  assert.equal(x.ca, false);
  assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  const info = inspectCertificate(pem);
  assert.equal(info.commonName, 'system:node:a');
  assert.deepEqual(info.organizations, ['system:nodes', 'extra']);
  assert.deepEqual(info.dnsNames, ['localhost', 'kubernetes.default']);
  assert.deepEqual(info.ips, ['127.0.0.1', '::1', '2001:db8::1']);
  assert.equal(info.notBefore.toISOString(), '2030-01-02T03:04:05.000Z');
  assert.equal(info.notAfter.toISOString(), '2055-06-07T08:09:10.000Z');
  assert.equal(new Date(x.validTo).toISOString(), '2055-06-07T08:09:10.000Z');
});

test('IP helpers canonicalize both families', () => {
  assert.equal(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIp('fe80:0:0:0:1:0:0:0'), 'fe80::1:0:0:0');
  assert.equal(canonicalIp('::ffff:10.0.0.1'), '::ffff:a00:1');
  assert.equal(canonicalIp('10.43.0.1'), '10.43.0.1');
  assert.deepEqual([...ipToBytes('1::')], [0, 1, ...Array(14).fill(0)]);
  assert.ok(isUnspecifiedIp('0.0.0.0') && isUnspecifiedIp('::') && !isUnspecifiedIp('::1'));
  assert.throws(() => ipToBytes('example.com'), /not an IP address/);
});
