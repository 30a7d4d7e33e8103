/**
 * Opens the Store a `--datastore-endpoint` names: the embedded SQLite file by default,
 * etcd for `etcd://host:port[,…]`.
 */
import { join } from 'node:path';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** `etcd://…`, `sqlite://<path>`, a plain path, or empty for `<dataDir>/db/state.db`. */
  endpoint?: string;
  dataDir: string;
  logger?: { debug: (...a: never[]) => void; info: (...a: never[]) => void; warn: (...a: never[]) => void; error: (...a: never[]) => void };
}

export async function openStore(options: OpenStoreOptions): Promise<{ store: Store; description: string }> {
  const endpoint = options.endpoint?.trim() ?? '';
  if (/^(etcd|http|etcds|https):\/\//i.test(endpoint)) {
    const { openEtcdStore, parseEtcdEndpoint } = await import('./etcd/index.js');
    const parsed = parseEtcdEndpoint(endpoint);
    const store = await openEtcdStore({ endpoints: parsed.endpoints, prefix: parsed.prefix, logger: options.logger as never });
    return { store, description: `etcd ${parsed.endpoints.join(',')}` };
  }
  const path = endpoint ? endpoint.replace(/^sqlite:\/\//i, '') : join(options.dataDir, 'db', 'state.db');
  const { openSqliteStore } = await import('./sqlite/index.js');
  const store = await openSqliteStore({ path, logger: options.logger as never });
  return { store, description: `sqlite ${path}` };
}
