import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:https';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createAuthenticator } from '../apiserver/auth/authenticator.js';
import { ensureClusterCredentials } from './credentials.js';
import { renderKubeconfig, writeKubeconfig } from './kubeconfig.js';

const run = promisify(execFile);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubeconfig-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;

test('renders a clientcmd Config with embedded data', () => {
  const text = renderKubeconfig({ server: 'https://127.0.0.1:6443', caCert: pem('CERTIFICATE'), clientCert: pem('CERTIFICATE'), clientKey: pem('PRIVATE KEY'), token: 'tok' });
  const config = parse(text);
  assert.deepEqual(config, {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(pem('CERTIFICATE')).toString('base64'), server: 'https://127.0.0.1:6443' }, name: 'skiff' }],
    contexts: [{ context: { cluster: 'skiff', user: 'admin' }, name: 'skiff' }],
    'current-context': 'skiff',
    kind: 'Config',
    preferences: {},
    users: [{ name: 'admin', user: { 'client-certificate-data': Buffer.from(pem('CERTIFICATE')).toString('base64'), 'client-key-data': Buffer.from(pem('PRIVATE KEY')).toString('base64'), token: 'tok' } }],
  });
  const named = parse(renderKubeconfig({ server: 's', caCert: 'c', token: 't', clusterName: 'c1', user: 'u1', context: 'x1', namespace: 'team' }));
  assert.deepEqual(named.contexts, [{ context: { cluster: 'c1', namespace: 'team', user: 'u1' }, name: 'x1' }]);
  assert.deepEqual(named.users, [{ name: 'u1', user: { token: 't' } }]);
  assert.throws(() => renderKubeconfig({ server: 's', caCert: 'c', clientCert: 'x' }), /both clientCert and clientKey/);
});

test('names YAML would misread come back as the same strings', () => {
  for (const name of ['true', 'no', '123', '1e3', '0x1f', '~', 'null', '', 'a b', 'a: b', '#x', '-', '- x', 'é', '"q"', "it's", 'line\nbreak', '@x', '.inf', '*ref', '&a', '!tag', '%', '[x]', '{x}']) {
    const config = parse(renderKubeconfig({ server: 'https://[::1]:6443', caCert: 'c', token: name, clusterName: name, user: name, context: name, namespace: name }));
    assert.equal(config['current-context'], name);
    assert.equal(config.users[0].user.token, name);
    assert.deepEqual(config.contexts[0], { context: { cluster: name, ...(name ? { namespace: name } : {}), user: name }, name });
    assert.equal(config.clusters[0].cluster.server, 'https://[::1]:6443');
  }
});

test('writes atomically with mode 600, creating parent directories', () =>
  withDir(async (dir) => {
    const path = join(dir, 'a', 'b', 'config');
    await writeKubeconfig(path, 'one');
    await writeKubeconfig(path, 'two');
    assert.equal(await readFile(path, 'utf8'), 'two');
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['config']); // no temporary files left behind
  }));

test('the real kubectl reads the file and authenticates with it over TLS', () =>
  withDir(async (dir) => {
    const creds = await ensureClusterCredentials({ dataDir: join(dir, 'data'), hostname: 'h' });
    const authenticator = createAuthenticator({ caCert: creds.caCert, tokensFile: creds.paths.tokensFile });
    const seen: string[] = [];
    const server = createServer({ cert: creds.serverCert, key: creds.serverKey, ca: creds.caCert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const user = authenticator.authenticate(req);
      seen.push(`${user?.username ?? 'anonymous'} ${req.headers.authorization ? 'token' : 'cert'}`);
      res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(user ? { major: '1', minor: '33', gitVersion: 'v1.33.0-skiff' } : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const tokenConfig = join(dir, 'token.yaml');
      const certConfig = join(dir, 'cert.yaml');
      await writeKubeconfig(tokenConfig, renderKubeconfig({ server: url, caCert: creds.caCert, token: creds.adminToken }));
      await writeKubeconfig(certConfig, renderKubeconfig({ server: url, caCert: creds.caCert, clientCert: creds.adminCert, clientKey: creds.adminKey }));

      const view = await run('kubectl', ['--kubeconfig', tokenConfig, 'config', 'view', '--raw', '-o', 'jsonpath={.users[0].user.token}'], { timeout: 20_000 });
      assert.equal(view.stdout, creds.adminToken);

      // Go's verifier checks our serving certificate, and the server checks kubectl's client certificate.
      const viaCert = await run('kubectl', ['--kubeconfig', certConfig, 'get', '--raw', '/version'], { timeout: 20_000 });
      assert.equal(JSON.parse(viaCert.stdout).gitVersion, 'v1.33.0-skiff');
      const viaToken = await run('kubectl', ['--kubeconfig', tokenConfig, 'get', '--raw', '/version'], { timeout: 20_000 });
      assert.equal(JSON.parse(viaToken.stdout).gitVersion, 'v1.33.0-skiff');
      // The kubectl on PATH may be a version dispatcher that asks /version first, so compare as a set.
      assert.deepEqual([...new Set(seen)].sort(), ['system:admin cert', 'system:admin token']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }));
