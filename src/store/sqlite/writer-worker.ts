/**
 * Worker-thread entry of the SQLite writer: its own connection, so the fsync of each
 * group commit blocks this thread, never the API server's event loop.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { FromWriter, ToWriter } from './protocol.js';
import { openWriterDatabase } from './schema.js';
import { WriterLoop } from './writer-loop.js';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('writer-worker must run in a worker thread');
  const post = (message: FromWriter) => port.postMessage(message);
  const { path } = workerData as { path: string };

  let loop: WriterLoop;
  try {
    loop = new WriterLoop({
      db: openWriterDatabase(path),
      emit: (output) => post({ type: 'output', output }),
      log: (level, message, fields) => post({ type: 'log', level, message, fields }),
      // Take every request already waiting into the coming transaction.
      pull: () => {
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) handle(m.message as ToWriter);
      },
    });
  } catch (err) {
    post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    return;
  }

  function handle(message: ToWriter): void {
    if (message.type === 'requests') {
      loop.push(message.requests);
      return;
    }
    port!.off('message', handle);
    try {
      loop.close();
    } catch (err) {
      post({ type: 'log', level: 'error', message: 'closing the sqlite writer failed', fields: { error: String(err) } });
    }
    post({ type: 'closed' });
    port!.close();
  }

  port.on('message', handle);
  post({ type: 'ready', revision: loop.revision });
}

main();
