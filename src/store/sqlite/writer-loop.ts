/**
 * The single writer: drains every queued request into one transaction (group commit, as
 * etcd batches its backend commits), so a burst of N writes costs one fsync, not N.
 * Compaction runs in small steps between write batches so it never stalls writers for long.
 *
 * Runs on the API server's thread. A batch's transaction is CPU work of microseconds per
 * write; its fsync (`durability.sync`) runs off the event loop, and nothing about the
 * batch — results, watch events, the revision readers may see — is emitted until it has
 * completed. Requests arriving meanwhile form the next batch.
 */
import type { WatchEvent } from '../types.js';
import type { WriteFailure, WriteRequest, WriteResult, WriterOutput } from './protocol.js';
import { ROW_COLUMNS, toKeyValue, type Row } from './rows.js';
import { META_COMPACT_REVISION, readCompactRevision, readCurrentRevision, type Db } from './schema.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Makes what was committed durable (see wal-sync.ts). */
export interface Durability {
  sync(done: (err: Error | null) => void): void;
  syncNow(): void;
}

export interface WriterLoopOptions {
  db: Db;
  durability: Durability;
  emit(output: WriterOutput): void;
  log(level: LogLevel, message: string, fields: Record<string, unknown>): void;
  /** A sync failed: whether the batch is durable is unknown, so the store must stop. */
  fatal(err: Error): void;
  /** Most writes in one transaction; bounds the latency of the batch's first writer. */
  maxBatch?: number;
  /** Rows examined per compaction transaction. */
  compactionStep?: number;
  /** Pages freed per incremental_vacuum call after a compaction. */
  vacuumStep?: number;
}

interface CompactionJob {
  target: number;
  /** Rows with id <= cursor have been examined. */
  cursor: number;
  phase: 'delete' | 'vacuum';
  deleted: number;
  waiting: number[];
}

export class WriterLoop {
  private readonly db: Db;
  private readonly options: WriterLoopOptions;
  private readonly maxBatch: number;
  private readonly compactionStep: number;
  private readonly vacuumStep: number;
  private queue: WriteRequest[] = [];
  private job: CompactionJob | undefined;
  private scheduled = false;
  /** The sync of the last committed batch, while it runs; no batch commits meanwhile. */
  private syncing: Promise<void> | undefined;
  private closed = false;
  private broken: Error | undefined;
  private lastId: number;
  private compactRevision: number;
  private transactions = 0;
  private readonly statements;
  private readonly applyBatch: (requests: WriteRequest[], results: WriteResult[], events: WatchEvent[], started: CompactionJob[]) => void;

  constructor(options: WriterLoopOptions) {
    this.options = options;
    this.db = options.db;
    this.maxBatch = options.maxBatch ?? 1000;
    this.compactionStep = options.compactionStep ?? 1000;
    this.vacuumStep = options.vacuumStep ?? 2048;
    this.lastId = readCurrentRevision(this.db);
    this.compactRevision = readCompactRevision(this.db);
    const db = this.db;
    this.statements = {
      latest: db.prepare(`SELECT ${ROW_COLUMNS} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
      insert: db.prepare(
        'INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value) VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value)',
      ),
      setCompact: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      stepEnd: db.prepare('SELECT MAX(id) FROM (SELECT id FROM kv WHERE id > ? AND id <= ? ORDER BY id LIMIT ?)').pluck(),
      // Superseded rows (a newer row of the same key exists at or below the target) and
      // tombstones: neither is needed to read at, or watch from, the target revision.
      compactRange: db.prepare(`
        DELETE FROM kv WHERE id > @from AND id <= @to AND (
          deleted = 1 OR EXISTS (SELECT 1 FROM kv AS newer WHERE newer.name = kv.name AND newer.id > kv.id AND newer.id <= @target)
        )`),
    };
    this.applyBatch = db.transaction((requests, results, events, started) => {
      for (const request of requests) {
        if (request.op !== 'compact') results.push(this.applyWrite(request, events));
        else {
          // A compaction that has work to do is answered when it finishes.
          const immediate = this.startCompaction(request.id, request.revision, started);
          if (immediate) results.push(immediate);
        }
      }
    });
  }

  get revision(): number {
    return this.lastId;
  }

  push(requests: WriteRequest[]): void {
    if (this.closed || this.broken) {
      const message = this.broken ? `store failed: ${this.broken.message}` : 'store is closed';
      this.options.emit(this.output(requests.map((r) => fail(r.id, { kind: 'internal', message })), []));
      return;
    }
    for (const request of requests) this.queue.push(request);
    this.schedule();
  }

  /**
   * Commits what is queued (synced before this returns), abandons a running compaction,
   * and closes the database. Waits for a batch whose sync is under way.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.syncing;
    this.closed = true;
    while (this.queue.length && !this.broken) {
      const output = this.commitBatch();
      if (output.changed) {
        try {
          this.options.durability.syncNow();
        } catch (err) {
          this.failBatch(output, err as Error);
          continue;
        }
      }
      this.finishBatch(output);
    }
    if (this.job) {
      const waiting = this.job.waiting;
      this.job = undefined;
      this.options.emit(this.output(waiting.map((id) => fail(id, { kind: 'internal', message: 'store closed during compaction' })), []));
    }
    this.db.close();
  }

  private schedule(): void {
    if (this.scheduled || this.closed || this.syncing) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    if (this.closed || this.syncing || this.broken) return;
    if (this.queue.length) {
      const output = this.commitBatch();
      if (output.changed) {
        let synced!: () => void;
        this.syncing = new Promise((resolve) => { synced = resolve; });
        this.options.durability.sync((err) => {
          this.syncing = undefined;
          if (err) this.failBatch(output, err);
          else this.finishBatch(output);
          synced();
          if (!this.closed) this.schedule();
        });
        return;
      }
      this.finishBatch(output);
    }
    if (this.job) this.compactionTick();
    if (this.queue.length || this.job) this.schedule();
  }

  /** One transaction over the queued requests; nothing is emitted yet. */
  private commitBatch(): CommittedBatch {
    const requests = this.queue.splice(0, this.maxBatch);
    let results: WriteResult[] = [];
    let events: WatchEvent[] = [];
    const started: CompactionJob[] = [];
    const before = this.lastId;
    try {
      this.applyBatch(requests, results, events, started);
      this.transactions++;
    } catch (err) {
      // The whole transaction rolled back (I/O error, disk full...): nothing was written.
      this.lastId = readCurrentRevision(this.db);
      this.compactRevision = readCompactRevision(this.db);
      const message = err instanceof Error ? err.message : String(err);
      this.options.log('error', 'sqlite write transaction failed', { error: message, writes: requests.length });
      results = requests.map((r) => fail(r.id, { kind: 'internal', message }));
      events = [];
      started.length = 0;
    }
    return { results, events, started, changed: this.lastId !== before || started.length > 0 };
  }

  private finishBatch(batch: CommittedBatch): void {
    for (const job of batch.started) this.adoptCompaction(job);
    this.options.emit(this.output(batch.results, batch.events));
  }

  /** Committed but perhaps not durable: no write of the batch can be acknowledged, and none after it. */
  private failBatch(batch: CommittedBatch, err: Error): void {
    this.broken = err;
    const message = `syncing the SQLite write-ahead log failed: ${err.message}`;
    this.options.log('error', message, {});
    const failed = batch.results.map((r) => fail(r.id, { kind: 'internal', message }));
    const queued = this.queue.splice(0).map((r) => fail(r.id, { kind: 'internal', message }));
    this.options.emit({ results: [...failed, ...queued], events: [], revision: this.lastId, transactions: this.transactions, durable: false });
    this.options.fatal(new Error(message));
  }

  private applyWrite(request: Exclude<WriteRequest, { op: 'compact' }>, events: WatchEvent[]): WriteResult {
    const { key } = request;
    const latest = this.statements.latest.get(key) as Row | undefined;
    const live = latest && !latest.deleted ? latest : undefined;
    if (request.op === 'create') {
      if (live) return fail(request.id, { kind: 'exists', key });
    } else {
      if (!live) return fail(request.id, { kind: 'not-found', key });
      if (request.expectedRevision !== undefined && live.id !== request.expectedRevision) {
        return fail(request.id, { kind: 'mismatch', key, current: toKeyValue(live) });
      }
    }
    const id = this.lastId + 1;
    const row: Row = {
      id,
      name: key,
      created: request.op === 'create' ? 1 : 0,
      deleted: request.op === 'delete' ? 1 : 0,
      create_revision: live ? live.create_revision : id,
      prev_revision: latest ? latest.id : 0,
      // A tombstone keeps the last value, so a replayed delete event is complete.
      value: request.op === 'delete' ? live!.value : request.value,
    };
    try {
      this.statements.insert.run(row);
    } catch (err) {
      // Only possible if something else wrote to the file; the statement alone is undone.
      this.lastId = readCurrentRevision(this.db);
      const message = err instanceof Error ? err.message : String(err);
      return fail(request.id, { kind: 'internal', message: `conflicting write to ${key}: ${message}` });
    }
    this.lastId = id;
    const kv = toKeyValue(row);
    if (request.op === 'delete') {
      const prevKv = toKeyValue(live!);
      events.push({ type: 'delete', kv, prevKv, revision: id });
      return { id: request.id, ok: true, kv: prevKv, revision: id };
    }
    const event: WatchEvent = { type: 'put', kv, revision: id };
    if (live) event.prevKv = toKeyValue(live);
    events.push(event);
    return { id: request.id, ok: true, kv, revision: id };
  }

  /** Inside the batch transaction: validates and records the new compacted revision. */
  private startCompaction(requestId: number, revision: number, started: CompactionJob[]): WriteResult | undefined {
    if (revision > this.lastId) return fail(requestId, { kind: 'future', requested: revision, current: this.lastId });
    const pending = this.job ?? started[started.length - 1];
    const target = Math.max(revision, pending?.target ?? 0);
    if (target <= this.compactRevision && !pending) return { id: requestId, ok: true, revision: this.compactRevision };
    // Recorded before any row goes, so a reader that could miss a row also sees the new mark.
    this.statements.setCompact.run(META_COMPACT_REVISION, target);
    this.compactRevision = target;
    if (pending) {
      pending.target = target;
      pending.waiting.push(requestId);
      if (pending.phase === 'vacuum') {
        pending.phase = 'delete';
        pending.cursor = 0;
      }
    } else {
      started.push({ target, cursor: 0, phase: 'delete', deleted: 0, waiting: [requestId] });
    }
    return undefined;
  }

  private adoptCompaction(job: CompactionJob): void {
    if (this.job !== job) this.job = job;
    this.options.log('info', 'sqlite compaction started', { revision: job.target });
  }

  private compactionTick(): void {
    const job = this.job!;
    try {
      if (job.phase === 'delete') {
        const end = this.statements.stepEnd.get(job.cursor, job.target, this.compactionStep) as number | null;
        if (end === null) {
          job.phase = 'vacuum';
          return;
        }
        const info = this.db.transaction(() => this.statements.compactRange.run({ from: job.cursor, to: end, target: job.target }))();
        this.transactions++;
        job.deleted += info.changes;
        job.cursor = end;
        return;
      }
      // Give the freed pages back to the file system, a bounded number per step.
      const before = this.db.pragma('freelist_count', { simple: true }) as number;
      if (before > 0) {
        this.db.pragma(`incremental_vacuum(${this.vacuumStep})`);
        if (before > this.vacuumStep) return;
      }
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.finishCompaction(job, undefined);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.options.log('error', 'sqlite compaction failed', { error: message, revision: job.target });
      this.finishCompaction(job, message);
    }
  }

  private finishCompaction(job: CompactionJob, error: string | undefined): void {
    this.job = undefined;
    if (!error) this.options.log('info', 'sqlite compaction finished', { revision: job.target, deletedRows: job.deleted });
    const results = job.waiting.map((id): WriteResult =>
      error ? fail(id, { kind: 'internal', message: `compaction failed: ${error}` }) : { id, ok: true, revision: job.target },
    );
    this.options.emit(this.output(results, []));
  }

  private output(results: WriteResult[], events: WatchEvent[]): WriterOutput {
    return { results, events, revision: this.lastId, transactions: this.transactions, durable: true };
  }
}

interface CommittedBatch {
  results: WriteResult[];
  events: WatchEvent[];
  started: CompactionJob[];
  /** The transaction wrote something that must be synced before it is acknowledged. */
  changed: boolean;
}

function fail(id: number, failure: WriteFailure): WriteResult {
  return { id, ok: false, failure };
}

