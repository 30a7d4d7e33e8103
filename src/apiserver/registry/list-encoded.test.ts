import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalogue } from '../../api/catalogue.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import { parseFieldSelector } from '../selectors/fields.js';
import { parseLabelSelector } from '../selectors/labels.js';
import { ObjectStorage, type ListOptions } from './storage.js';

test('listEncoded prints exactly what list decodes, page by page and with selectors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-list-'));
  const store = await openSqliteStore({ path: join(dir, 'state.db') });
  try {
    const storage = new ObjectStorage(store);
    const rt = builtinCatalogue().byResource('', 'v1', 'configmaps')!;
    for (let i = 0; i < 25; i++) {
      await storage.create(rt, {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: i % 5 === 0 ? 'other' : 'ns', labels: { parity: i % 2 ? 'odd' : 'even' }, uid: `u${i}` },
        data: { i: String(i), 'tricky"}': '\\{' },
      });
    }
    // An update, so items carry different revisions.
    await storage.update(rt, 'ns', 'cm-03', (cm) => ({ ...cm, data: { changed: 'yes' } }));

    const cases: ListOptions[] = [
      {},
      { limit: 4 },
      { labelSelector: parseLabelSelector('parity=odd') },
      { labelSelector: parseLabelSelector('parity=even'), limit: 3 },
      { fieldSelector: parseFieldSelector('metadata.name!=cm-07', rt), limit: 6 },
    ];
    for (const namespace of ['ns', '']) {
      for (const options of cases) {
        // Walk every page with both and compare them page by page.
        let cont: string | undefined;
        let pages = 0;
        do {
          const o = { ...options, continue: cont };
          const decoded = await storage.list(rt, namespace, o);
          const encoded = await storage.listEncoded(rt, namespace, o);
          assert.deepEqual(encoded.items, decoded.items.map((item) => JSON.stringify(item)));
          assert.equal(encoded.resourceVersion, decoded.resourceVersion);
          assert.equal(encoded.continue, decoded.continue);
          assert.equal(encoded.remainingItemCount, decoded.remainingItemCount);
          cont = decoded.continue;
          pages++;
        } while (cont && pages < 50);
        assert.ok(pages < 50);
      }
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
