/**
 * Recognises etcd's revision errors, which arrive as gRPC OUT_OF_RANGE with fixed
 * messages (etcd server/mvcc/kv.go: ErrCompacted, ErrFutureRev): the message text is
 * what tells them apart.
 */
import { StoreError } from '../types.js';

export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('mvcc: required revision has been compacted');
}

export function isFutureRevisionError(err: unknown): boolean {
  return err instanceof Error && err.message.includes('mvcc: required revision is a future revision');
}

/** Wraps a transport/server failure so callers see a StoreError, keeping the cause. */
export function backendError(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const wrapped = new StoreError(`etcd ${operation}: ${message}`, { cause: err });
  wrapped.name = 'EtcdBackendError';
  return wrapped;
}
