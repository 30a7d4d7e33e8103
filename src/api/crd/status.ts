/**
 * The status a CRD controller writes back once names are accepted and the kind is
 * served: conditions NamesAccepted and Established, acceptedNames, storedVersions.
 * Transition times are kept while a condition's status does not change.
 */
import { metaTime } from '../time.js';
import type { KObject } from '../types.js';

type Json = Record<string, any>;

export interface CRDCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface CRDStatus {
  conditions: CRDCondition[];
  acceptedNames: Json;
  storedVersions: string[];
}


export function crdStatus(crd: KObject, now: Date): CRDStatus {
  const spec = (crd.spec ?? {}) as Json;
  const names = (spec.names ?? {}) as Json;
  const old = (crd.status ?? {}) as Json;
  const oldConditions = (old.conditions ?? []) as CRDCondition[];
  const keep = (c: Omit<CRDCondition, 'lastTransitionTime'>): CRDCondition => {
    const prev = oldConditions.find((x) => x.type === c.type);
    return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : metaTime(now) };
  };
  const acceptedNames: Json = { plural: names.plural, singular: names.singular || String(names.kind ?? '').toLowerCase(), kind: names.kind, listKind: names.listKind || `${names.kind}List` };
  if (names.shortNames?.length) acceptedNames.shortNames = names.shortNames;
  if (names.categories?.length) acceptedNames.categories = names.categories;
  const stored = new Set<string>((old.storedVersions ?? []) as string[]);
  for (const v of (spec.versions ?? []) as Json[]) if (v.storage) stored.add(String(v.name));
  return {
    conditions: [
      keep({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }),
      keep({ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }),
    ],
    acceptedNames,
    storedVersions: [...stored],
  };
}
