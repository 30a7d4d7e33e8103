/**
 * The write path every resource shares: decode → defaults → admission/validation →
 * store, for create, update, patch and the status subresource. Deletion lives in
 * deletion.ts. Everything here speaks objects and StatusErrors, never HTTP.
 */
import { BadRequest, Forbidden, Invalid, NotFound } from '../../api/errors.js';
import type { FieldError, KObject, ManagedFieldsEntry, ResourceType } from '../../api/types.js';
import type { FieldManager, PatchEngine, PatchType, SchemaChecks } from './checks.js';
import { checkKind, prepareForCreate, prepareForUpdate } from './lifecycle.js';
import { DELETE_OBJECT, type ObjectStorage } from './storage.js';
import { readyToDelete } from './deletion.js';
import { namespaceState, type NamespaceCache } from './namespaces.js';
import type { AdmissionPlugin } from '../admission/types.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteContext {
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  /** Warnings for the client (sent as `Warning: 299` headers). */
  warnings: string[];
  now: Date;
}

export interface ServiceOptions {
  storage: ObjectStorage;
  checks: SchemaChecks;
  patcher: PatchEngine;
  fields: FieldManager;
  /** The Namespace kind, to refuse content in missing or terminating namespaces. */
  namespaceType: ResourceType;
  /** In-memory namespace states; misses fall back to the store. */
  namespaces?: NamespaceCache;
  /** Run on creates after defaulting, before validation (in order). */
  admission?: AdmissionPlugin[];
}

export interface WriteResult {
  object: KObject;
  /** True when a create happened (201), e.g. for server-side apply of a new object. */
  created: boolean;
}

/** The field manager name upstream derives from the User-Agent when none is given. */
export function defaultFieldManager(userAgent: string | undefined): string {
  const first = (userAgent ?? '').split(' ')[0] ?? '';
  const name = first.split('/')[0];
  return (name || 'unknown').slice(0, 128);
}

export class ResourceService {
  constructor(private readonly o: ServiceOptions) {}

  get storage(): ObjectStorage {
    return this.o.storage;
  }

  /**
   * Unknown-field handling per fieldValidation; custom resources are pruned in any case.
   * `decoded` marks a request body (create, update): its strict error is worded as the
   * decoder's (transformDecodeError in endpoints/handlers/rest.go).
   */
  private checkUnknownFields(rt: ResourceType, obj: KObject, ctx: WriteContext, decoded: boolean | 'patch' = false): void {
    if (ctx.fieldValidation === 'Ignore' && !rt.custom) return;
    const unknown = this.o.checks.unknownFields(rt, obj);
    if (unknown.length) {
      if (ctx.fieldValidation === 'Strict') {
        const strict = `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`;
        // A patched object that no longer decodes is the patch's fault (422 on field `patch`, as upstream's patch handler says).
        if (decoded === 'patch') throw patchInvalid(obj, strict);
        if (!decoded) throw new BadRequest(strict);
        const version = (obj.apiVersion ?? '').split('/').pop() ?? '';
        throw new BadRequest(`${obj.kind ?? rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: ${strict}`);
      }
      if (ctx.fieldValidation === 'Warn') for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
    }
    if (unknown.length || rt.custom) this.o.checks.prune(rt, obj);
  }

  /**
   * Built-in kinds decode into typed structs upstream, so a value of the wrong JSON type
   * in a request body is the decoder's 400 (`json: cannot unmarshal string into Go struct
   * field …`), not a 422, and it is refused before defaulting or metadata rules see it.
   */
  private checkDecodedTypes(rt: ResourceType, obj: KObject): void {
    const detail = this.typeMismatch(rt, obj);
    if (!detail) return;
    const version = (obj.apiVersion ?? '').split('/').pop() ?? '';
    throw new BadRequest(`${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: ${detail}`);
  }

  /** A request body as the typed decoder sees it (kind, metadata, JSON types), for bodies that are not stored (virtual kinds). */
  decode(rt: ResourceType, body: unknown): KObject {
    const obj = checkKind(rt, body);
    this.checkDecodedTypes(rt, obj);
    return obj;
  }

  /** A patch whose result has wrong JSON types is upstream's 422 on field `patch` (patch.go, DecodeInto failing). */
  private checkPatchedTypes(rt: ResourceType, obj: KObject): void {
    const detail = this.typeMismatch(rt, obj);
    if (detail) throw patchInvalid(obj, detail);
  }

  /** The decoder's complaint about the first value of the wrong JSON type in a built-in object, if any. */
  private typeMismatch(rt: ResourceType, obj: KObject): string | undefined {
    if (rt.custom) return undefined;
    const wrong = this.o.checks.validate(rt, obj).find((e) => e.reason === 'FieldValueTypeInvalid');
    if (!wrong) return undefined;
    const m = /must be of type ([\w,-]+): "(string|integer|number|boolean|array|object|null)"$/.exec(wrong.message);
    const goKind = (t: string): string => ({ integer: 'number', boolean: 'bool' } as Record<string, string>)[t] ?? t;
    return m ? `json: cannot unmarshal ${goKind(m[2])} into Go struct field ${rt.kind}.${wrong.field} of type ${m[1]}` : `${wrong.field}: ${wrong.message}`;
  }

  private validate(rt: ResourceType, obj: KObject, old?: KObject): void {
    const errors: FieldError[] = [...this.o.checks.validate(rt, obj, old), ...(rt.validator?.(obj, old) ?? [])];
    if (errors.length) throw new Invalid(rt.kind, rt.group, obj.metadata?.name ?? '', errors);
  }

  private defaults(rt: ResourceType, obj: KObject): void {
    this.o.checks.applyDefaults(rt, obj);
    rt.defaulter?.(obj);
  }

  /** Nothing is created in a namespace that is missing or being terminated (NamespaceLifecycle admission). */
  private async checkNamespace(rt: ResourceType, namespace: string, name: string): Promise<void> {
    if (!rt.namespaced) return;
    let state = this.o.namespaces?.get(namespace);
    if (state === undefined) {
      try {
        state = namespaceState(await this.o.storage.get(this.o.namespaceType, '', namespace));
      } catch (err) {
        if (err instanceof NotFound) throw new NotFound('namespaces', '', namespace);
        throw err;
      }
    }
    if (state === 'terminating') {
      throw new Forbidden(`${rt.plural}${rt.group ? '.' + rt.group : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  async create(rt: ResourceType, namespace: string, body: unknown, ctx: WriteContext): Promise<WriteResult> {
    return this.createObject(rt, namespace, body, ctx, undefined);
  }

  /** `presetFields` (from server-side apply) replaces the Update entry a create would record. */
  private async createObject(rt: ResourceType, namespace: string, body: unknown, ctx: WriteContext, presetFields: ManagedFieldsEntry[] | undefined): Promise<WriteResult> {
    const obj = checkKind(rt, body);
    // Two schema walks, as upstream has two steps: the decoder refuses wrong JSON types
    // before defaulters (which trust the types) run; validation sees the defaulted object.
    if (presetFields === undefined) this.checkDecodedTypes(rt, obj);
    this.checkUnknownFields(rt, obj, ctx, presetFields === undefined);
    prepareForCreate(rt, obj, { namespace, now: ctx.now });
    this.defaults(rt, obj);
    await this.checkNamespace(rt, obj.metadata!.namespace ?? '', obj.metadata!.name ?? '');
    for (const plugin of this.o.admission ?? []) await plugin.admitCreate(rt, obj);
    this.validate(rt, obj);
    for (const plugin of this.o.admission ?? []) await plugin.validateCreate?.(rt, obj, { dryRun: Boolean(ctx.dryRun) });
    if (presetFields) obj.metadata!.managedFields = presetFields;
    else if (ctx.fieldManager !== undefined) {
      obj.metadata!.managedFields = this.o.fields.update({ rt, live: undefined, updated: obj, manager: ctx.fieldManager, subresource: '', now: ctx.now });
    }
    if (ctx.dryRun) return { object: obj, created: true };
    return { object: await this.o.storage.create(rt, obj), created: true };
  }

  /**
   * Turns a proposed new state (from PUT or a patch) into the stored successor of
   * `current`: server-owned metadata, defaults, validation, managed fields, and
   * deletion once the last finalizer is gone.
   */
  private successor(rt: ResourceType, proposed: KObject, current: KObject, subresource: string, ctx: WriteContext, manager: string | undefined): KObject {
    const name = current.metadata!.name!;
    const pinned = proposed.metadata?.resourceVersion;
    const next = prepareForUpdate(rt, proposed, current, { namespace: current.metadata!.namespace ?? '', name, subresource });
    next.metadata!.resourceVersion = pinned || current.metadata!.resourceVersion;
    this.defaults(rt, next);
    this.validate(rt, next, current);
    if (manager !== undefined) {
      next.metadata!.managedFields = this.o.fields.update({ rt, live: current, updated: next, manager, subresource, now: ctx.now });
    }
    if (readyToDelete(rt, next)) return DELETE_OBJECT;
    return next;
  }

  /** A patch applied to a plain document (e.g. a Scale), outside any stored object. */
  patchPlain(rt: ResourceType, type: Exclude<PatchType, 'apply'>, doc: KObject, patch: unknown): KObject {
    return this.o.patcher.patch(rt, type, doc, patch);
  }

  /**
   * The stored successor of `current` for a change made through the scale subresource:
   * the change is to the main object's spec, so the main resource's rules apply.
   */
  successorOfScale(rt: ResourceType, proposed: KObject, current: KObject, ctx: WriteContext): KObject {
    return this.successor(rt, proposed, current, '', ctx, ctx.fieldManager);
  }

  async update(rt: ResourceType, namespace: string, name: string, subresource: string, body: unknown, ctx: WriteContext): Promise<WriteResult> {
    const proposed = checkKind(rt, body);
    this.checkDecodedTypes(rt, proposed);
    if (!proposed.metadata?.name) throw new BadRequest('name is required in the body of the object');
    this.checkUnknownFields(rt, proposed, ctx, true);
    const result = await this.o.storage.update(rt, namespace, name, (current) => this.admitted(rt, this.successor(rt, structuredClone(proposed), current, subresource, ctx, ctx.fieldManager), current), { dryRun: ctx.dryRun });
    return { object: result.object, created: false };
  }

  /** Update-time admission on the successor (a deletion needs none). */
  private async admitted(rt: ResourceType, next: KObject, current: KObject): Promise<KObject> {
    if (next === DELETE_OBJECT) return next;
    for (const plugin of this.o.admission ?? []) await plugin.admitUpdate?.(rt, next, current);
    return next;
  }

  async patch(rt: ResourceType, namespace: string, name: string, subresource: string, type: PatchType, patch: unknown, ctx: WriteContext & { force: boolean }): Promise<WriteResult> {
    if (type === 'apply') return this.apply(rt, namespace, name, subresource, patch, ctx);
    const result = await this.o.storage.update(rt, namespace, name, (current) => {
      const patched = checkKind(rt, this.o.patcher.patch(rt, type, current, patch));
      this.checkPatchedTypes(rt, patched);
      this.checkUnknownFields(rt, patched, ctx, 'patch');
      return this.admitted(rt, this.successor(rt, patched, current, subresource, ctx, ctx.fieldManager), current);
    }, { dryRun: ctx.dryRun });
    return { object: result.object, created: false };
  }

  private async apply(rt: ResourceType, namespace: string, name: string, subresource: string, patch: unknown, ctx: WriteContext & { force: boolean }): Promise<WriteResult> {
    if (!ctx.fieldManager) {
      throw new Invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
    }
    const applied = checkKind(rt, patch);
    this.checkDecodedTypes(rt, applied);
    if (applied.metadata?.name !== undefined && applied.metadata.name !== name) {
      throw new BadRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    this.checkUnknownFields(rt, applied, ctx);
    const manager = ctx.fieldManager;
    const existing = await this.o.storage.getRaw(rt, namespace, name);
    if (!existing) {
      if (subresource) throw new NotFound(rt.plural, rt.group, name);
      const merged = this.o.fields.apply({ rt, live: undefined, applied: structuredClone(applied), manager, force: ctx.force, subresource, now: ctx.now });
      merged.metadata = { ...merged.metadata, name };
      return this.createObject(rt, namespace, merged, ctx, merged.metadata.managedFields);
    }
    const result = await this.o.storage.update(rt, namespace, name, (current) => {
      const merged = this.o.fields.apply({ rt, live: current, applied: structuredClone(applied), manager, force: ctx.force, subresource, now: ctx.now });
      const managedFields = merged.metadata?.managedFields;
      const next = this.successor(rt, checkKind(rt, merged), current, subresource, ctx, undefined);
      if (next !== DELETE_OBJECT && managedFields) next.metadata!.managedFields = managedFields;
      return this.admitted(rt, next, current);
    }, { dryRun: ctx.dryRun });
    return { object: result.object, created: false };
  }
}


/**
 * Upstream's answer when a patched object does not decode: Invalid with an empty kind
 * and name on the field `patch`, the patched object as the bad value (apiserver's
 * endpoints/handlers/patch.go). Long values are cut so the Status stays readable.
 */
function patchInvalid(patched: KObject, detail: string): Invalid {
  const json = JSON.stringify(patched);
  const value = JSON.stringify(json.length > 1024 ? json.slice(0, 1024) + '…' : json);
  return new Invalid('', '', '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${value}: ${detail}` }]);
}
