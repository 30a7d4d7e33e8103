/**
 * The transport floor: a no-op HTTPS server with the API server's TLS setup (its
 * certificate and key, client certificates requested, keep-alive), doing no work beyond
 * reading the request. Plain JavaScript on purpose: its start-up time is a floor too,
 * and a TypeScript loader would add to it.
 *
 *   node bench/api/noop-server.mjs --tls-dir <skiff data dir>/tls --port P
 *
 * Routes:
 *   GET  /readyz                  200 "ok"
 *   GET  /blob?bytes=N            200 with a JSON body of N bytes (built once, cached): the LIST floor
 *   GET  …?watch=1                a chunked stream held open: the watch floor
 *   POST anything                 reads the body, answers 201 with a small JSON body, and
 *                                 writes `{"type":"ADDED","object":<body>}` once to every open stream
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'tls-dir': { type: 'string' }, port: { type: 'string', default: '0' } } });
const dir = values['tls-dir'];
if (!dir) throw new Error('--tls-dir is required');

const SMALL = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}';
const blobs = new Map();
const streams = new Set();

function blob(bytes) {
  let body = blobs.get(bytes);
  if (!body) {
    const head = '{"items":["';
    const tail = '"]}';
    body = Buffer.from(head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail);
    blobs.set(bytes, body);
  }
  return body;
}

const server = createServer({
  key: readFileSync(join(dir, 'server.key')),
  cert: readFileSync(join(dir, 'server.crt')),
  ca: readFileSync(join(dir, 'ca.crt')),
  requestCert: true,
  rejectUnauthorized: false,
  keepAliveTimeout: 65_000,
}, (req, res) => {
  const url = new URL(req.url ?? '/', 'https://noop.local');
  if (req.method === 'POST') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (streams.size) {
        const line = `{"type":"ADDED","object":${Buffer.concat(chunks).toString('utf8')}}\n`;
        for (const s of streams) s.write(line);
      }
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': SMALL.length, 'Cache-Control': 'no-cache, private' });
      res.end(SMALL);
    });
    return;
  }
  if (url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    streams.add(res);
    req.on('close', () => streams.delete(res));
    return;
  }
  if (url.pathname === '/blob') {
    const body = blob(Number(url.searchParams.get('bytes') ?? '0'));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-cache, private' });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
  res.end('ok');
});
server.on('clientError', (_err, socket) => socket.destroy());
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
