/**
 * RFC 7386 JSON merge patch, as evanphx/json-patch's MergePatch behaves for the API
 * server: a `null` patch is "Invalid JSON Patch" (400); a non-object patch replaces the
 * document; objects merge recursively and `null` deletes a member. Inputs are not
 * modified.
 */
import { badPatch } from './errors.js';
import { deepCopy, isObject, type JsonObject } from './json.js';

export function applyMergePatch<T = unknown>(doc: T, patch: unknown): T {
  if (patch === null || patch === undefined) throw badPatch('Invalid JSON Patch');
  if (!isObject(patch)) return deepCopy(patch) as T;
  if (!isObject(doc)) return mergeInto({}, patch) as T;
  return mergeInto(deepCopy(doc) as JsonObject, patch) as T;
}

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const key of Object.keys(patch)) {
    const pv = patch[key];
    if (pv === null) {
      delete target[key];
    } else if (isObject(pv)) {
      // Own members only: an inherited one (e.g. `__proto__`) must never be merged into.
      const tv = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
      target[key] = mergeInto(isObject(tv) ? tv : {}, pv);
    } else {
      target[key] = deepCopy(pv);
    }
  }
  return target;
}
