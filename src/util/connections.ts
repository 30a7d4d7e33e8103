/**
 * Every connection a server accepted, from before any TLS handshake, so that stopping it
 * ends them all. Node's closeAllConnections knows only connections whose HTTP parsing has
 * begun: one still in its handshake when the server stops would keep close() (and the
 * process) waiting forever.
 */
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';

export function trackConnections(server: Server): { destroyAll(): void } {
  const sockets = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    destroyAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
