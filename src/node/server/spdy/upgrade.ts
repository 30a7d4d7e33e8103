/**
 * Accepting a SPDY/3.1 upgrade as client-go's SPDY round tripper expects: the protocol
 * version comes from the client's `X-Stream-Protocol-Version` offers (one header line
 * each, or comma-joined), the 101 names the one chosen, and the same socket then speaks
 * SPDY. No version in common is upstream's 403 "unable to negotiate protocol".
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpdySession } from './session.js';

export function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headersDistinct['x-stream-protocol-version'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return /^spdy\/3\.1$/i.test((req.headers.upgrade ?? '').trim());
}

/** Picks the first of the client's offers the server supports, as upstream's Handshake does. */
export function negotiate(offered: string[], supported: string[]): string | undefined {
  return offered.find((p) => supported.includes(p));
}

export function negotiationFailure(offered: string[], supported: string[]): string {
  return `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${supported.join(' ')}]`;
}

/** Writes the 101 and starts the server side of the SPDY session on the socket. */
export function acceptSpdy(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${protocol}`, '', ''].join('\r\n'));
  if (head.length) socket.unshift(head);
  return new SpdySession(socket);
}
