/**
 * Request authentication in upstream's order: a verified client certificate
 * (x509: CN → username, O → groups), then a bearer token (the Authorization header,
 * or for browsers the `base64url.bearer.authorization.k8s.io.` WebSocket subprotocol).
 * Every identity also gets `system:authenticated`, as upstream's group adder does.
 */
import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { readTokenFile } from './token-file.js';
import { SystemGroups, type Authenticator, type TokenAuthenticator, type UserInfo } from './types.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_EKU_OID = '2.5.29.37.0';
const WEBSOCKET_TOKEN_PREFIX = 'base64url.bearer.authorization.k8s.io.';

export interface AuthenticatorOptions {
  /** PEM of the CA(s) whose client certificates are accepted; without it certificates are ignored. */
  caCert?: string;
  /** Static tokens; merged with `tokensFile` (read once, now). */
  tokens?: Map<string, UserInfo>;
  /** A Kubernetes static token file (`token,user,uid,"group1,group2"`). */
  tokensFile?: string;
  /** Tried in order after the static tokens (service-account tokens, bootstrap tokens …). */
  tokenAuthenticators?: TokenAuthenticator[];
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Upstream adds the group unless the user already has it. */
function withAuthenticatedGroup(user: UserInfo): UserInfo {
  const groups = user.groups.includes(SystemGroups.authenticated) ? [...user.groups] : [...user.groups, SystemGroups.authenticated];
  return { ...user, groups, ...(user.extra ? { extra: { ...user.extra } } : {}) };
}

function splitPemBundle(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** k8s.io/apiserver bearertoken: `Bearer <token>`, scheme case-insensitive, exactly one space. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

/**
 * k8s.io/apiserver websocket protocol authenticator: browsers cannot set headers on a
 * WebSocket, so the token rides in a subprotocol. Exactly one such entry is allowed.
 */
export function websocketToken(req: IncomingMessage): string | undefined {
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || !/\bupgrade\b/i.test(req.headers.connection ?? '')) return undefined;
  const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carrying = protocols.filter((p) => p.startsWith(WEBSOCKET_TOKEN_PREFIX));
  if (carrying.length !== 1) return undefined;
  const encoded = carrying[0]!.slice(WEBSOCKET_TOKEN_PREFIX.length);
  if (!encoded || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  return Buffer.from(encoded, 'base64url').toString('utf8') || undefined;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const cas = splitPemBundle(options.caCert ?? '').map((pem) => new X509Certificate(pem));
  const staticTokens = new Map(options.tokens ?? []);
  if (options.tokensFile) for (const [token, user] of readTokenFile(options.tokensFile)) staticTokens.set(token, user);
  const hashedTokens = [...staticTokens].map(([token, user]) => ({ hash: digest(token), user }));
  // A connection's certificate never changes, so verify it once per socket.
  const certificateUsers = new WeakMap<object, UserInfo | null>();

  function fromCertificate(socket: TLSSocket): UserInfo | undefined {
    const cached = certificateUsers.get(socket);
    if (cached !== undefined) return cached ?? undefined;
    let user: UserInfo | null = null;
    // `authorized` means Node verified the chain against the server's `ca` option;
    // checking against our CA too keeps a broader `ca` list from widening who is trusted.
    const peer = socket.authorized ? socket.getPeerX509Certificate?.() : undefined;
    if (peer && cas.some((ca) => peer.checkIssued(ca) && peer.verify(ca.publicKey))) {
      const detail = socket.getPeerCertificate();
      const usages = detail.ext_key_usage;
      const clientAuth = !usages || usages.includes(CLIENT_AUTH_OID) || usages.includes(ANY_EKU_OID);
      const commonName = typeof detail.subject?.CN === 'string' ? detail.subject.CN : undefined;
      if (clientAuth && commonName) {
        const o = detail.subject.O as string | string[] | undefined;
        user = { username: commonName, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
      }
    }
    certificateUsers.set(socket, user);
    return user ?? undefined;
  }

  function fromToken(token: string): UserInfo | undefined {
    const presented = digest(token);
    let found: UserInfo | undefined;
    // Compare against every entry so the time taken says nothing about which one matched.
    for (const entry of hashedTokens) if (timingSafeEqual(presented, entry.hash) && !found) found = entry.user;
    if (found) return found;
    for (const authenticate of options.tokenAuthenticators ?? []) {
      const user = authenticate(token);
      if (user) return user;
    }
    return undefined;
  }

  return {
    authenticate(req) {
      const socket = req.socket as TLSSocket;
      if (cas.length && socket && 'encrypted' in socket && socket.encrypted) {
        const user = fromCertificate(socket);
        if (user) return withAuthenticatedGroup(user);
      }
      const token = bearerToken(req.headers.authorization) ?? websocketToken(req);
      if (token === undefined) return undefined;
      const user = fromToken(token);
      return user ? withAuthenticatedGroup(user) : undefined;
    },
  };
}
