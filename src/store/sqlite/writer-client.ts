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
  send(requests: WriteRequest[]): void;
  /** Keeps the process alive only while answers are awaited. */
  setBusy(busy: boolean): void;
  close(): Promise<void>;
}

export function startWriter(options: WriterClientOptions): WriterClient {
  return options.mode === 'inline' ? startInline(options) : startWorker(options);
}

function startInline(options: WriterClientOptions): WriterClient {
  const loop = new WriterLoop({ db: openWriterDatabase(options.path), emit: options.onOutput, log: options.log });
  return {
    send: (requests) => loop.push(requests),
    setBusy: () => {},
    close: async () => loop.close(),
  };
}

/**
 * Built, this code is part of dist/skiff.cjs and the thread's entry is its sibling
 * dist/writer-worker.cjs (scripts/build.mjs). Under tsx (tests, `node --import tsx`) this
 * module is a .ts file and a worker does not inherit tsx's loader, so the worker first
 * registers it.
 */
function spawnWorker(path: string): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./writer-worker.cjs', self), { workerData: { path } });
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./writer-worker.ts', self).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: { path } });
}

/**
 * The thread is not waited for: the client is usable at once, and requests sent while
 * the thread boots wait in its message queue. Start-up of the API server overlaps the
 * thread's start instead of waiting for it; a thread that cannot open the database
 * reports through onFatal.
 */
function startWorker(options: WriterClientOptions): WriterClient {
  const worker = spawnWorker(options.path);
  let state: 'starting' | 'running' | 'closing' | 'gone' = 'starting';
  let busy = false;
  let closed: (() => void) | undefined;
  const post = (message: ToWriter) => worker.postMessage(message);

  const gone = (err: Error) => {
    const was = state;
    state = 'gone';
    if (was === 'starting' || was === 'running') options.onFatal(err);
    closed?.();
  };

  worker.on('message', (message: FromWriter) => {
    switch (message.type) {
      case 'ready':
        if (state === 'starting') state = 'running';
        if (!busy && state === 'running') worker.unref();
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

  const live = () => state === 'starting' || state === 'running';
  return {
    send(requests) {
      if (live()) post({ type: 'requests', requests });
    },
    setBusy(value) {
      busy = value;
      // While starting the thread stays referenced until it is ready; while closing, until it is done.
      if (state !== 'running') return;
      if (value) worker.ref();
      else worker.unref();
    },
    close() {
      if (!live()) return Promise.resolve();
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
