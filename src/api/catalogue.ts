/**
 * The resource catalogue: every served kind and the schema definitions behind them.
 * One instance per API server; CRDs are added and removed at run time, and `version`
 * changes whenever the set does so discovery and OpenAPI documents can be cached.
 */
import { builtinTypes } from './kinds/index.js';
import { printers } from './printers/index.js';
import { builtinDefinitions } from './schemas/index.js';
import type { ResourceType, Schema, SchemaDefinitions } from './types.js';

export interface CatalogueOptions {
  types: ResourceType[];
  definitions: SchemaDefinitions;
}

const gvr = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;
const gvk = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

/**
 * Kubernetes version priority (apimachinery's CompareKubeAwareVersionStrings): GA before
 * beta before alpha, higher numbers first; anything else after those, alphabetically.
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    return { major: Number(m[1]), stage: m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2, minor: Number(m[3] ?? 0) };
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  if (pa.stage !== pb.stage) return pb.stage - pa.stage;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

export class Catalogue {
  readonly #types = new Map<string, ResourceType>();
  readonly #byKind = new Map<string, ResourceType>();
  readonly #definitions: SchemaDefinitions;
  /** Definitions that came in with a run-time type, removed with it. */
  readonly #ownedDefinitions = new Map<string, string[]>();
  #version = 0;

  constructor(options: CatalogueOptions) {
    this.#definitions = { ...options.definitions };
    for (const rt of options.types) this.#index(rt);
  }

  /** Changes whenever a type is added or removed. */
  get version(): number {
    return this.#version;
  }

  /** All shared schema definitions (read-only view; use addType to extend). */
  get definitions(): Readonly<SchemaDefinitions> {
    return this.#definitions;
  }

  byResource(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#types.get(gvr(group, version, plural));
  }

  byKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.#byKind.get(gvk(group, version, kind));
  }

  /**
   * Resolves what a user typed (`po`, `pod`, `pods`, `deploy`, `crd`) to the preferred
   * version of a type, optionally within one group. Plural names match too.
   */
  bySingularOrShortName(name: string, group?: string): ResourceType | undefined {
    const wanted = name.toLowerCase();
    const matches = [...this.#types.values()].filter(
      (rt) => (group === undefined || rt.group === group) &&
        (rt.singular === wanted || rt.plural === wanted || (rt.shortNames ?? []).includes(wanted)),
    );
    if (!matches.length) return undefined;
    const preferred = this.groups();
    return matches.sort((a, b) => {
      if (a.group !== b.group) return a.group === '' ? -1 : b.group === '' ? 1 : 0;
      const versions = preferred.get(a.group) ?? [];
      return versions.indexOf(a.version) - versions.indexOf(b.version);
    })[0];
  }

  /** Group name → its versions, preferred first. Groups in the order they were first declared. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const rt of this.#types.values()) {
      const versions = out.get(rt.group) ?? [];
      if (!versions.includes(rt.version)) versions.push(rt.version);
      out.set(rt.group, versions);
    }
    for (const versions of out.values()) versions.sort(compareVersions);
    return out;
  }

  /** The types served in one group version, in declaration order. */
  resourcesIn(group: string, version: string): ResourceType[] {
    return this.all().filter((rt) => rt.group === group && rt.version === version);
  }

  all(): ResourceType[] {
    return [...this.#types.values()];
  }

  /** Follows `$ref` links until a schema with content is reached. Throws on a dangling link. */
  resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; current.$ref !== undefined; hops++) {
      const next = this.#definitions[current.$ref];
      if (!next) throw new Error(`schema definition ${JSON.stringify(current.$ref)} not found`);
      if (hops > 32) throw new Error(`schema reference cycle at ${JSON.stringify(current.$ref)}`);
      current = next;
    }
    return current;
  }

  /** The resolved top-level schema of a type. */
  schemaOf(rt: Pick<ResourceType, 'schemaRef'>): Schema {
    return this.resolve({ $ref: rt.schemaRef });
  }

  /** Adds or replaces a type (a CRD version at run time) and the definitions it brings. */
  addType(rt: ResourceType, definitions?: SchemaDefinitions): void {
    const key = gvr(rt.group, rt.version, rt.plural);
    this.#removeKey(key);
    if (definitions) {
      Object.assign(this.#definitions, definitions);
      this.#ownedDefinitions.set(key, Object.keys(definitions));
    }
    this.#index(rt);
    this.#version++;
  }

  /** Removes a type; returns whether it existed. */
  removeType(group: string, version: string, plural: string): boolean {
    const removed = this.#removeKey(gvr(group, version, plural));
    if (removed) this.#version++;
    return removed;
  }

  #index(rt: ResourceType): void {
    this.#types.set(gvr(rt.group, rt.version, rt.plural), rt);
    this.#byKind.set(gvk(rt.group, rt.version, rt.kind), rt);
  }

  #removeKey(key: string): boolean {
    const rt = this.#types.get(key);
    if (!rt) return false;
    this.#types.delete(key);
    const kindKey = gvk(rt.group, rt.version, rt.kind);
    if (this.#byKind.get(kindKey) === rt) this.#byKind.delete(kindKey);
    const owned = this.#ownedDefinitions.get(key) ?? [];
    this.#ownedDefinitions.delete(key);
    const stillOwned = new Set([...this.#ownedDefinitions.values()].flat());
    for (const name of owned) if (!stillOwned.has(name)) delete this.#definitions[name];
    return true;
  }
}

/** A fresh catalogue of every built-in kind, with server-side printers attached. */
export function builtinCatalogue(): Catalogue {
  const types = builtinTypes().map((rt) => {
    const printer = rt.printer ?? printers[`${rt.group}/${rt.kind}`];
    return printer ? { ...rt, printer } : rt;
  });
  return new Catalogue({ types, definitions: builtinDefinitions() });
}
