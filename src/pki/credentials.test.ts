import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, chmod, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCertificate } from './certificate.js';
import { credentialPaths, ensureClusterCredentials, servingNames } from './credentials.js';
import { CredentialsError } from './files.js';
import { parseTokenFile } from '../apiserver/auth/token-file.js';

async function withDataDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-pki-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

test('first start generates everything; a restart reuses it byte for byte', () =>
  withDataDir(async (dataDir) => {
    const started = performance.now();
    const first = await ensureClusterCredentials({ dataDir, hostname: 'node-a' });
    const firstRunMs = performance.now() - started;
    // Not a benchmark, a guard: generation is a few milliseconds of native crypto.
    assert.ok(firstRunMs < 1000, `first run took ${firstRunMs} ms`);
    const paths = credentialPaths(dataDir);
    assert.equal(await mode(paths.dir), 0o700);
    for (const file of [paths.caCert, paths.caKey, paths.serverCert, paths.serverKey, paths.adminCert, paths.adminKey, paths.tokensFile]) {
      assert.equal(await mode(file), 0o600, file);
    }
    assert.equal(await readFile(paths.caCert, 'utf8'), first.caCert);

    const ca = new X509Certificate(first.caCert);
    assert.equal(ca.subject, 'CN=skiff-ca');
    assert.ok(ca.ca);
    const caInfo = inspectCertificate(first.caCert);
    const years = (caInfo.notAfter.getTime() - caInfo.notBefore.getTime()) / (365 * 864e5);
    assert.ok(years > 9.9 && years < 10.1, `CA valid for ${years} years`);

    const server = new X509Certificate(first.serverCert);
    assert.ok(server.verify(ca.publicKey));
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const serverInfo = inspectCertificate(first.serverCert);
    assert.deepEqual(serverInfo.dnsNames, ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', 'node-a']);
    assert.deepEqual(serverInfo.ips, ['127.0.0.1', '::1']);
    assert.ok(server.checkHost('kubernetes.default.svc') && server.checkIP('127.0.0.1') && server.checkIP('::1'));

    const admin = new X509Certificate(first.adminCert);
    assert.ok(admin.verify(ca.publicKey));
    assert.ok(admin.checkPrivateKey((await import('node:crypto')).createPrivateKey(first.adminKey)));
    assert.deepEqual(admin.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const adminInfo = inspectCertificate(first.adminCert);
    assert.equal(adminInfo.commonName, 'system:admin');
    assert.deepEqual(adminInfo.organizations, ['system:masters']);

    assert.match(first.adminToken, /^[0-9a-f]{64}$/);
    const tokens = parseTokenFile(await readFile(paths.tokensFile, 'utf8'));
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.token, first.adminToken);
    assert.equal(tokens[0]!.user.username, 'system:admin');
    assert.deepEqual(tokens[0]!.user.groups, ['system:masters']);

    const second = await ensureClusterCredentials({ dataDir, hostname: 'node-a' });
    for (const key of ['caCert', 'caKey', 'serverCert', 'serverKey', 'adminCert', 'adminKey', 'adminToken'] as const) {
      assert.equal(second[key], first[key], key);
    }
  }));

test('a changed SAN set re-issues only the serving certificate, with the same CA', () =>
  withDataDir(async (dataDir) => {
    const first = await ensureClusterCredentials({ dataDir, hostname: 'node-a' });
    const second = await ensureClusterCredentials({ dataDir, hostname: 'node-a', ips: ['192.0.2.10', '0.0.0.0'], hostnames: ['api.example.test', '10.43.0.1'] });
    assert.notEqual(second.serverCert, first.serverCert);
    assert.notEqual(second.serverKey, first.serverKey);
    for (const key of ['caCert', 'caKey', 'adminCert', 'adminKey', 'adminToken'] as const) assert.equal(second[key], first[key], key);
    const info = inspectCertificate(second.serverCert);
    assert.ok(info.dnsNames.includes('api.example.test'));
    assert.deepEqual(info.ips, ['10.43.0.1', '127.0.0.1', '192.0.2.10', '::1']); // 0.0.0.0 is no address to dial
    assert.ok(new X509Certificate(second.serverCert).verify(new X509Certificate(first.caCert).publicKey));

    // Same names in another order and spelling: nothing changes.
    const third = await ensureClusterCredentials({ dataDir, hostname: 'NODE-A', ips: ['10.43.0.1', '192.0.2.10'], hostnames: ['API.example.test'] });
    assert.equal(third.serverCert, second.serverCert);
  }));

test('a leaf near expiry is renewed; the CA and token stay', () =>
  withDataDir(async (dataDir) => {
    const first = await ensureClusterCredentials({ dataDir, hostname: 'h' });
    const later = new Date(Date.now() + 300 * 864e5); // 65 days before the 1-year leaves expire
    const second = await ensureClusterCredentials({ dataDir, hostname: 'h', now: () => later });
    assert.equal(second.caCert, first.caCert);
    assert.equal(second.adminToken, first.adminToken);
    assert.notEqual(second.adminCert, first.adminCert);
    assert.notEqual(second.serverCert, first.serverCert);
    assert.ok(inspectCertificate(second.adminCert).notAfter.getTime() > later.getTime() + 360 * 864e5);
  }));

test('missing or damaged leaf files are regenerated; other token records survive', () =>
  withDataDir(async (dataDir) => {
    const first = await ensureClusterCredentials({ dataDir, hostname: 'h' });
    const paths = credentialPaths(dataDir);
    await unlink(paths.adminKey);
    await writeFile(paths.serverCert, 'garbage');
    await writeFile(paths.tokensFile, `othertoken,alice,uid-1,"dev,ops"\n${await readFile(paths.tokensFile, 'utf8')}`);
    await chmod(paths.tokensFile, 0o644);
    const second = await ensureClusterCredentials({ dataDir, hostname: 'h' });
    assert.equal(second.caCert, first.caCert);
    assert.notEqual(second.adminCert, first.adminCert);
    assert.notEqual(second.serverCert, first.serverCert);
    assert.equal(second.adminToken, first.adminToken);
    assert.equal(await mode(paths.tokensFile), 0o600);
    assert.equal(parseTokenFile(await readFile(paths.tokensFile, 'utf8')).length, 2);
  }));

test('an admin token is appended to an existing token file that lacks one', () =>
  withDataDir(async (dataDir) => {
    const paths = credentialPaths(dataDir);
    await ensureClusterCredentials({ dataDir, hostname: 'h' });
    await writeFile(paths.tokensFile, 'othertoken,alice,uid-1'); // no trailing newline
    const again = await ensureClusterCredentials({ dataDir, hostname: 'h' });
    const entries = parseTokenFile(await readFile(paths.tokensFile, 'utf8'));
    assert.deepEqual(entries.map((e) => e.user.username), ['alice', 'system:admin']);
    assert.equal(entries[1]!.token, again.adminToken);
  }));

test('a CA certificate without its key is an error, not a silent new CA', () =>
  withDataDir(async (dataDir) => {
    await ensureClusterCredentials({ dataDir, hostname: 'h' });
    const paths = credentialPaths(dataDir);
    await unlink(paths.caKey);
    await assert.rejects(ensureClusterCredentials({ dataDir, hostname: 'h' }), (err: unknown) => {
      assert.ok(err instanceof CredentialsError);
      assert.match(err.message, new RegExp(paths.caKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      return true;
    });
  }));

test('an unusable data directory is reported with its path', () =>
  withDataDir(async (dir) => {
    const notADir = join(dir, 'file');
    await writeFile(notADir, 'x');
    await assert.rejects(ensureClusterCredentials({ dataDir: notADir }), (err: unknown) => {
      assert.ok(err instanceof CredentialsError);
      assert.ok(err.message.includes(join(notADir, 'tls')), err.message);
      return true;
    });
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      await ensureClusterCredentials({ dataDir: locked, hostname: 'h' });
      await chmod(join(locked, 'tls'), 0o000);
      await chmod(locked, 0o500);
      await assert.rejects(ensureClusterCredentials({ dataDir: locked, hostname: 'h' }), /locked/);
      await chmod(locked, 0o700);
    }
  }));

test('servingNames sorts IPs out of hostnames, dedupes and canonicalizes', () => {
  const names = servingNames({ hostname: 'Box', hostnames: ['a.test', '::ffff:0:0:1', 'A.test'], ips: ['0:0:0:0:0:0:0:1', '::'] });
  assert.deepEqual(names.ips, ['127.0.0.1', '::1', '::ffff:0:0:1']);
  assert.ok(names.dnsNames.includes('box') && names.dnsNames.filter((n) => n === 'a.test').length === 1);
  assert.throws(() => servingNames({ hostname: 'h', ips: ['nope'] }), /not an IP address/);
});
