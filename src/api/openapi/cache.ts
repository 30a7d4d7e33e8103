/**
 * Serialized OpenAPI documents memoised per catalogue version, so a request never
 * regenerates them. One cache per server (no module state); when the caller passes a
 * new catalogue version (a CRD changed), everything is rebuilt lazily.
 */
import { createHash } from 'node:crypto';
import type { ResourceType, SchemaDefinitions } from '../types.js';
import { openapiV2Document } from './v2.js';
import { openapiV3Document, openapiV3Index, servedGroupVersions, type DocumentInfo } from './v3.js';

export interface CatalogueSnapshot {
  types: readonly ResourceType[];
  definitions: SchemaDefinitions;
  /** Changes whenever types or definitions change. */
  version: string | number;
}

export interface SerializedDocument {
  /** JSON text. */
  body: string;
  /** Uppercase hex SHA-512 of `body`: the `hash=` of v3 URLs and the ETag (quote it). */
  hash: string;
}

export function contentHash(body: string): string {
  return createHash('sha512').update(body).digest('hex').toUpperCase();
}

function serialize(doc: unknown): SerializedDocument {
  const body = JSON.stringify(doc);
  return { body, hash: contentHash(body) };
}

export class OpenAPICache {
  private version: string | number | undefined;
  private v3 = new Map<string, SerializedDocument>();
  private index: SerializedDocument | undefined;
  private v2: SerializedDocument | undefined;

  constructor(private readonly info: DocumentInfo = {}) {}

  private sync(snap: CatalogueSnapshot): void {
    if (snap.version === this.version) return;
    this.version = snap.version;
    this.v3.clear();
    this.index = undefined;
    this.v2 = undefined;
  }

  /** The per-GV v3 document for a key like `api/v1` or `apis/apps/v1`; undefined if not served. */
  v3Document(snap: CatalogueSnapshot, key: string): SerializedDocument | undefined {
    this.sync(snap);
    let doc = this.v3.get(key);
    if (doc) return doc;
    const gv = servedGroupVersions(snap.types).find((x) => x.key === key);
    if (!gv) return undefined;
    doc = serialize(openapiV3Document(snap.types, snap.definitions, gv.group, gv.version, this.info));
    this.v3.set(key, doc);
    return doc;
  }

  /** `/openapi/v3`, with every document's current hash (building documents as needed). */
  v3Index(snap: CatalogueSnapshot): SerializedDocument {
    this.sync(snap);
    if (!this.index) {
      const hashes: Record<string, string> = {};
      for (const { key } of servedGroupVersions(snap.types)) hashes[key] = this.v3Document(snap, key)!.hash;
      this.index = serialize(openapiV3Index(snap.types, hashes));
    }
    return this.index;
  }

  /** `/openapi/v2` as JSON. */
  v2Document(snap: CatalogueSnapshot): SerializedDocument {
    this.sync(snap);
    this.v2 ??= serialize(openapiV2Document(snap.types, snap.definitions, this.info));
    return this.v2;
  }
}
