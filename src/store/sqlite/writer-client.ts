/**
 * Starts the writer and gives the store one way to talk to it, whether it runs in a
 * worker thread (the default: fsyncs stay off the main event loop) or inline (same loop,
 * no thread; cheaper to start, used by fast tests).
 */
import { Worker } from 'node:worker_threads';
import type { FromWriter, ToWriter, WriteRequest, WriterOutput } from './protocol.js';
import { openWriterDatabase } from './schema.js';
import { WriterLoop } from './writer-loop.js';

export type WriterMode = 'worker' | 'inline';

export interface WriterClientOptions {
  path: string;
  mode: WriterMode;
  onOutput(output: WriterOutput): void;
  /** The writer is gone (crashed thread); nothing more will be answered. */
  onFatal(err: Error): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void;
}

export interface WriterClient {
  /** Revision of the database when the writer opened it. */
  readonly revision: number;
  send(requests: WriteRequest[]): void;
  /** Keeps the process alive only while answers are awaited. */
  setBusy(busy: boolean): void;
  close(): Promise<void>;
}

export function startWriter(options: WriterClientOptions): Promise<WriterClient> {
  return options.mode === 'inline' ? startInline(options) : startWorker(options);
}

async function startInline(options: WriterClientOptions): Promise<WriterClient> {
  const loop = new WriterLoop({ db: openWriterDatabase(options.path), emit: options.onOutput, log: options.log });
  return {
    revision: loop.revision,
    send: (requests) => loop.push(requests),
    setBusy: () => {},
    close: async () => loop.close(),
  };
}

/**
 * Under tsx (tests, `node --import tsx`) this module is a .ts file and a worker does not
 * inherit tsx's loader, so the worker first registers it; a build runs the .js directly.
 */
function spawnWorker(path: string): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./writer-worker.js', self), { workerData: { path } });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./writer-worker.ts', self).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { path } });
}

function startWorker(options: WriterClientOptions): Promise<WriterClient> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(options.path);
    let state: 'starting' | 'running' | 'closing' | 'gone' = 'starting';
    let closed: (() => void) | undefined;
    const post = (message: ToWriter) => worker.postMessage(message);

    const gone = (err: Error) => {
      const was = state;
      state = 'gone';
      if (was === 'starting') reject(err);
      else if (was === 'running') options.onFatal(err);
      closed?.();
    };

    worker.on('message', (message: FromWriter) => {
      switch (message.type) {
        case 'ready':
          state = 'running';
          worker.unref();
          resolve(client(message.revision));
          break;
        case 'output':
          options.onOutput(message.output);
          break;
        case 'log':
          options.log(message.level, message.message, message.fields);
          break;
        case 'fatal':
          gone(new Error(message.message));
          void worker.terminate();
          break;
        case 'closed':
          state = 'gone';
          closed?.();
          break;
      }
    });
    worker.on('error', (err) => gone(err));
    worker.on('exit', (code) => gone(new Error(`sqlite writer thread exited (code ${code})`)));

    function client(revision: number): WriterClient {
      return {
        revision,
        send(requests) {
          if (state === 'running') post({ type: 'requests', requests });
        },
        setBusy(busy) {
          // While closing, the thread stays referenced until it says it is done.
          if (state !== 'running') return;
          if (busy) worker.ref();
          else worker.unref();
        },
        close() {
          if (state !== 'running') return Promise.resolve();
          state = 'closing';
          return new Promise<void>((done) => {
            closed = () => {
              closed = undefined;
              done();
            };
            worker.ref();
            post({ type: 'close' });
          });
        },
      };
    }
  });
}
