/**
 * Makes committed transactions durable by fdatasync'ing the write-ahead log, off the
 * event loop (libuv's thread pool).
 *
 * The writer connection runs with synchronous=NORMAL: COMMIT writes the WAL frames but
 * does not sync them. synchronous=FULL differs from NORMAL in WAL mode only by one sync
 * of the WAL after each commit (https://sqlite.org/pragma.html#pragma_synchronous); doing
 * that sync here instead, and acknowledging writes only after it, keeps FULL's durability
 * without blocking the event loop or needing a writer thread. Checkpoints still sync the
 * WAL before copying it and the database after, as NORMAL does.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  sync(done: (err: Error | null) => void): void {
    let fd: number;
    try {
      fd = this.open();
    } catch (err) {
      done(err as Error);
      return;
    }
    fdatasync(fd, done);
  }

  syncNow(): void {
    fdatasyncSync(this.open());
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Opened at the first sync: the -wal file exists once a transaction has written to it. */
  private open(): number {
    this.fd ??= openSync(this.walPath, 'r+');
    return this.fd;
  }
}
