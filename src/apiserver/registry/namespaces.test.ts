import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { builtinCatalogue } from '../../api/catalogue.js';
import { WatchHub } from '../watch/hub.js';
import { ObjectStorage } from './storage.js';
import { NamespaceCache } from './namespaces.js';

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('the namespace cache follows creation, termination and deletion', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-ns-'));
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  const hub = new WatchHub({ store });
  const cache = new NamespaceCache();
  try {
    const nsType = builtinCatalogue().byResource('', 'v1', 'namespaces')!;
    const storage = new ObjectStorage(store);
    await storage.create(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'before' }, status: { phase: 'Active' } });
    await hub.start();
    await cache.start({ hub, storage, namespaceType: nsType });
    assert.equal(cache.get('before'), 'active', 'listed at start');
    assert.equal(cache.get('after'), undefined);

    await storage.create(nsType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'after' } });
    await until('the new namespace', () => cache.get('after') === 'active');

    await storage.update(nsType, '', 'after', (ns) => ({ ...ns, metadata: { ...ns.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }));
    await until('termination', () => cache.get('after') === 'terminating');

    const current = await storage.get(nsType, '', 'after');
    await storage.delete(nsType, '', 'after', current.metadata!.resourceVersion!);
    await until('deletion', () => cache.get('after') === undefined);
  } finally {
    cache.stop();
    hub.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
