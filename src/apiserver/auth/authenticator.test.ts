import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, createServer, type Server } from 'node:https';
import { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterCredentials, type ClusterCredentials } from '../../pki/credentials.js';
import { createAuthenticator, bearerToken, websocketToken } from './authenticator.js';
import type { Authenticator, UserInfo } from './types.js';

let dirs: string[] = [];
let creds: ClusterCredentials;
let foreign: ClusterCredentials;
let server: Server;
let port: number;
let authenticator: Authenticator;

before(async () => {
  dirs = [await mkdtemp(join(tmpdir(), 'skiff-auth-')), await mkdtemp(join(tmpdir(), 'skiff-auth-other-'))];
  [creds, foreign] = await Promise.all([ensureClusterCredentials({ dataDir: dirs[0]!, hostname: 'h' }), ensureClusterCredentials({ dataDir: dirs[1]!, hostname: 'h' })]);
  authenticator = createAuthenticator({ caCert: creds.caCert, tokensFile: creds.paths.tokensFile, tokens: new Map([['extra-token', { username: 'bob', uid: 'u-bob', groups: ['devs'] }]]) });
  server = createServer({ cert: creds.serverCert, key: creds.serverKey, ca: creds.caCert, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const user = authenticator.authenticate(req);
    res.writeHead(user ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(user ?? null));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function call(options: { cert?: string; key?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; user: UserInfo | null }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api', ca: creds.caCert, cert: options.cert, key: options.key, headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, user: JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the admin client certificate authenticates as system:admin in system:masters', async () => {
  const { status, user } = await call({ cert: creds.adminCert, key: creds.adminKey });
  assert.equal(status, 200);
  assert.deepEqual(user, { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
});

test('an issued client certificate maps CN and every O', async () => {
  const node = creds.issueClientCertificate({ commonName: 'system:node:n1', organizations: ['system:nodes', 'x'] });
  const { user } = await call({ cert: node.cert, key: node.key });
  assert.deepEqual(user, { username: 'system:node:n1', groups: ['system:nodes', 'x', 'system:authenticated'] });
});

test('a certificate from another CA is not trusted', async () => {
  const { status, user } = await call({ cert: foreign.adminCert, key: foreign.adminKey });
  assert.equal(status, 401);
  assert.equal(user, null);
});

test('a certificate without clientAuth usage is not a client credential', async () => {
  const serving = creds.issueServingCertificate({ commonName: 'impostor', dnsNames: ['x'] });
  const { status } = await call({ cert: serving.cert, key: serving.key });
  assert.equal(status, 401);
});

test('the admin bearer token from the token file authenticates', async () => {
  const { status, user } = await call({ headers: { authorization: `Bearer ${creds.adminToken}` } });
  assert.equal(status, 200);
  assert.equal(user?.username, 'system:admin');
  assert.deepEqual(user?.groups, ['system:masters', 'system:authenticated']);
  assert.match(user?.uid ?? '', /^[0-9a-f-]{36}$/);
});

test('tokens given as a map work next to the file, scheme case-insensitive', async () => {
  const { user } = await call({ headers: { authorization: 'bearer extra-token' } });
  assert.deepEqual(user, { username: 'bob', uid: 'u-bob', groups: ['devs', 'system:authenticated'] });
});

test('a wrong token, a malformed header and no credentials are anonymous', async () => {
  const attempts: Record<string, string>[] = [{ authorization: `Bearer ${creds.adminToken}x` }, { authorization: `Basic ${creds.adminToken}` }, { authorization: `Bearer  ${creds.adminToken}` }, {}];
  for (const headers of attempts) {
    const { status, user } = await call({ headers });
    assert.equal(status, 401, JSON.stringify(headers));
    assert.equal(user, null);
  }
});

test('a foreign certificate does not block a valid token', async () => {
  const { user } = await call({ cert: foreign.adminCert, key: foreign.adminKey, headers: { authorization: `Bearer ${creds.adminToken}` } });
  assert.equal(user?.username, 'system:admin');
});

function fakeRequest(headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  return req;
}

test('WebSocket subprotocol tokens authenticate upgrade requests only', () => {
  const encoded = Buffer.from(creds.adminToken).toString('base64url');
  const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-protocol': `v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.${encoded}` };
  assert.equal(authenticator.authenticate(fakeRequest(upgrade))?.username, 'system:admin');
  assert.equal(authenticator.authenticate(fakeRequest({ ...upgrade, upgrade: '' })), undefined);
  assert.equal(websocketToken(fakeRequest({ ...upgrade, 'sec-websocket-protocol': `base64url.bearer.authorization.k8s.io.a,base64url.bearer.authorization.k8s.io.b` })), undefined);
});

test('bearerToken follows upstream parsing', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('  BEARER abc  '), 'abc');
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Bearer '), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test('a plain (non-TLS) request can still use a token; the returned user is a copy', async () => {
  const a = createAuthenticator({ tokens: new Map([['t', { username: 'x', groups: ['system:authenticated'] }]]) });
  const user = a.authenticate(fakeRequest({ authorization: 'Bearer t' }));
  assert.deepEqual(user, { username: 'x', groups: ['system:authenticated'] });
  user!.groups.push('mutated');
  assert.deepEqual(a.authenticate(fakeRequest({ authorization: 'Bearer t' }))?.groups, ['system:authenticated']);
});

test('a malformed token file is reported', async () => {
  const file = join(dirs[0]!, 'bad.csv');
  await writeFile(file, 'only,two\n');
  assert.throws(() => createAuthenticator({ tokensFile: file }), /must have at least 3 columns/);
});
