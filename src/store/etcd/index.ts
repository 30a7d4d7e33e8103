/**
 * etcd v3 backend of the Store (`--datastore-endpoint etcd://host:port[,host:port]`).
 *
 * Several Skiff servers may share one etcd: each keeps its keys under `prefix`. Note that
 * etcd's revision and compaction are cluster-wide, so servers sharing an etcd also share
 * one revision sequence and each other's compactions.
 */
import { StoreError, type Store } from '../types.js';
import { GrpcChannel } from './grpc.js';
import { KeySpace } from './keys.js';
import { EtcdStore, type EtcdStoreLogger } from './store.js';

export { parseEtcdEndpoint, DEFAULT_ETCD_PORT, type EtcdEndpoint } from './endpoint.js';
export { EtcdStore, type EtcdStoreLogger } from './store.js';

export interface OpenEtcdStoreOptions {
  /** `host:port` of each member (plain http/gRPC). */
  endpoints: string[];
  /**
   * Prepended to every key so several clusters (or test cases) can share one etcd;
   * default none. End it with a separator (`/skiff-a/`): a bare `/a` would also cover
   * the keys of a store prefixed `/ab`.
   */
  prefix?: string;
  logger?: EtcdStoreLogger;
  /** How long the first request may take before opening fails; default 10s. */
  connectTimeoutMs?: number;
}

/** Connects and checks that etcd answers, so a wrong endpoint fails at startup. */
export async function openEtcdStore(options: OpenEtcdStoreOptions): Promise<Store> {
  if (options.endpoints.length === 0) throw new Error('openEtcdStore: no etcd endpoints given');
  // No message size limit on our side: lists and watch catch-up batches can exceed gRPC's
  // usual 4 MiB default (Kubernetes raises that limit the same way).
  const channel = new GrpcChannel({ endpoints: options.endpoints.map((e) => e.replace(/^(etcd|http):\/\//, '')) });
  const store = new EtcdStore({ channel, keys: new KeySpace(options.prefix ?? ''), logger: options.logger });
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.currentRevision(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    await store.close();
    const message = err instanceof Error ? err.message : String(err);
    throw new StoreError(`cannot connect to etcd at ${options.endpoints.join(',')}: ${message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return store;
}
