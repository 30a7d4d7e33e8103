/**
 * Dev tool: records golden request bodies from real kubectl binaries. For every case it
 * runs kubectl 1.33 (protobuf bodies) and kubectl 1.31 (JSON bodies) against a small
 * HTTPS server on loopback and writes `../testdata/<case>.json` with both, so the test
 * can check decode(protobuf) against the JSON oracle.
 *
 *   node --import tsx src/apiserver/protobuf/capture/capture.ts [case-name ...]
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtobufObject, readProtobufEnvelope } from '../index.js';
import { CASES } from './cases.js';
import { discoveryResponse } from './discovery.js';

interface Recorded { method: string; path: string; contentType: string; body: Buffer }

const here = dirname(fileURLToPath(import.meta.url));
const kubectlDir = dirname(execFileSync('readlink', ['-f', execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim()], { encoding: 'utf8' }).trim());

function selfSignedCert(dir: string): { key: Buffer; cert: Buffer } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

/** A plausible 201 reply so kubectl exits normally: the object itself plus a status where kubectl reads one. */
function replyObject(rec: Recorded): Record<string, unknown> {
  const obj: Record<string, unknown> = rec.contentType.includes('protobuf')
    ? (() => {
        try {
          return decodeProtobufObject(rec.body);
        } catch {
          const env = readProtobufEnvelope(rec.body);
          return { apiVersion: env.apiVersion, kind: env.kind, metadata: { name: 'x' } };
        }
      })()
    : JSON.parse(rec.body.toString('utf8'));
  const statusByKind: Record<string, unknown> = {
    SelfSubjectAccessReview: { allowed: true },
    SelfSubjectRulesReview: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [], incomplete: false },
    SelfSubjectReview: { userInfo: { username: 'tester', groups: ['system:authenticated'] } },
    TokenRequest: { token: 'tok', expirationTimestamp: '2030-01-01T00:00:00Z' },
  };
  const status = statusByKind[obj.kind as string];
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  return { ...obj, metadata: { ...meta, name: meta.name ?? meta.generateName ?? 'x', uid: 'u1', resourceVersion: '1' }, ...(status ? { status } : {}) };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function runKubectl(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(kubectlDir, binary), args, { env, timeout: 20_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

async function main(): Promise<void> {
  const only = new Set(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'pb-capture-'));
  const tls = selfSignedCert(dir);
  let recorded: Recorded[] = [];
  let hidden = new Set<string>();
  const server = createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const rec: Recorded = { method: req.method ?? 'GET', path, contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) };
      if (rec.method === 'GET') {
        const fixed = CASES.flatMap((c) => Object.entries(c.gets ?? {})).find(([p]) => p === path);
        if (fixed) return send(res, 200, fixed[1]);
        const doc = discoveryResponse(path, hidden);
        return doc ? send(res, 200, doc) : send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
      }
      if ([...hidden].some((gv) => path.startsWith(`/apis/${gv}/`))) return send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
      recorded.push(rec);
      send(res, 201, replyObject(rec));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t0k3n\ncontexts:\n- name: x\n  context: {cluster: c, user: u, namespace: default}\ncurrent-context: x\n`,
  );
  const env = { PATH: process.env.PATH, HOME: join(dir, 'home'), KUBECONFIG: kubeconfig };
  const subst = (args: string[]): string[] => args.map((a) => a.replaceAll('$CERT', join(dir, 'cert.pem')).replaceAll('$KEY', join(dir, 'key.pem')));
  const results: string[] = [];
  try {
    for (const c of CASES) {
      if (only.size && !only.has(c.name)) continue;
      const bodies: Record<string, Recorded | undefined> = {};
      hidden = new Set(c.hideGroupVersions);
      // A separate discovery cache per case, since discovery differs between cases.
      const caseEnv = { ...env, HOME: join(dir, 'home', c.name) };
      for (const binary of ['kubectl.1.33', 'kubectl.1.31']) {
        recorded = [];
        const run = await runKubectl(binary, subst(c.args), caseEnv);
        bodies[binary] = recorded.at(-1);
        if (run.code !== 0) results.push(`${c.name} ${binary}: exit ${run.code} ${run.stderr.trim().split('\n').at(-1)}`);
      }
      const pb = bodies['kubectl.1.33'];
      const js = bodies['kubectl.1.31'];
      if (!pb || !js) {
        results.push(`${c.name}: missing body`);
        continue;
      }
      const env33 = pb.contentType.includes('protobuf') ? readProtobufEnvelope(pb.body) : undefined;
      writeFileSync(
        join(here, '..', 'testdata', `${c.name}.json`),
        JSON.stringify(
          {
            command: `kubectl ${c.args.join(' ')}`,
            path: pb.path,
            apiVersion: env33?.apiVersion,
            kind: env33?.kind,
            protobufContentType: pb.contentType,
            protobufHex: pb.body.toString('hex'),
            json: JSON.parse(js.body.toString('utf8')),
            ...(c.expected ? { expectedNote: c.expected.note, expected: c.expected.object } : {}),
          },
          null,
          2,
        ) + '\n',
      );
      results.push(`${c.name}: ${pb.contentType} ${pb.body.length}B / ${js.contentType}`);
    }
  } finally {
    server.close();
    server.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(results.join('\n'));
}

await main();
