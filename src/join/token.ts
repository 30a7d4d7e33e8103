/**
 * The join token a server hands out for new nodes, in k3s's shape:
 * `K10<sha256 of the cluster CA certificate>::server:<secret>`. The hash lets a joining
 * agent check that the server it reached is the cluster's before it sends the secret;
 * the secret proves to the server that the agent may join. Kept in `<data-dir>/node-token`.
 */
import { createHash, randomBytes, timingSafeEqual, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JoinToken {
  /** Hex SHA-256 of the CA certificate's DER bytes. */
  caHash: string;
  secret: string;
}

export class JoinTokenError extends Error {}

export function caFingerprint(caCertPem: string): string {
  return createHash('sha256').update(new X509Certificate(caCertPem).raw).digest('hex');
}

export function formatJoinToken(token: JoinToken): string {
  return `K10${token.caHash}::server:${token.secret}`;
}

export function parseJoinToken(text: string): JoinToken {
  const m = /^K10([0-9a-f]{64})::server:([A-Za-z0-9]{16,})$/.exec(text.trim());
  if (!m) throw new JoinTokenError('the join token is malformed: expected K10<sha256 of the CA>::server:<secret>, as `skiff server` prints it and writes to <data-dir>/node-token');
  return { caHash: m[1]!, secret: m[2]! };
}

export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The server's token: the one in `<dataDir>/node-token` when it is for this CA, a new one otherwise. */
export function ensureJoinToken(dataDir: string, caCertPem: string): JoinToken & { path: string } {
  const path = join(dataDir, 'node-token');
  const caHash = caFingerprint(caCertPem);
  try {
    const existing = parseJoinToken(readFileSync(path, 'utf8'));
    if (existing.caHash === caHash) return { ...existing, path };
  } catch {
    // Missing or unusable: a new one replaces it.
  }
  const token = { caHash, secret: randomBytes(24).toString('hex') };
  writeFileSync(path, `${formatJoinToken(token)}\n`, { mode: 0o600 });
  return { ...token, path };
}
