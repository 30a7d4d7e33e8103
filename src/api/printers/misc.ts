/**
 * Printers for kinds outside core/apps/batch, and the two generic layouts: Name + Age
 * (our default) and Name + Created At (upstream's generic registry default, which
 * LimitRange and CustomResourceDefinition show).
 */
import { metaTime } from '../time.js';
import type { KObject, TablePrinter } from '../types.js';
import { translateTimestampSince } from './duration.js';
import { ageCol, col, nameCol, o, s, spec } from './util.js';

const age = (obj: KObject, now: Date) => translateTimestampSince(obj.metadata?.creationTimestamp, now);
const name = (obj: KObject) => obj.metadata?.name ?? '';

export const defaultPrinter: TablePrinter = {
  columns: [nameCol(), { ...ageCol(), type: 'date' }],
  row: (obj, now) => [name(obj), age(obj, now)],
};

/** RFC 3339 in UTC with second precision, as Go's `time.RFC3339`. */
function createdAt(obj: KObject): string {
  const ts = obj.metadata?.creationTimestamp;
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (Number.isNaN(t)) return '0001-01-01T00:00:00Z';
  return metaTime(new Date(t));
}

export const createdAtPrinter: TablePrinter = {
  columns: [nameCol(), col('Created At', 'date', 'CreationTimestamp is when the object was created, in RFC 3339 form.')],
  row: (obj) => [name(obj), createdAt(obj)],
};

export const leasePrinter: TablePrinter = {
  columns: [nameCol(), col('Holder', 'string', 'The identity of the current holder of the lease.'), ageCol()],
  row: (obj, now) => [name(obj), s(spec(obj).holderIdentity), age(obj, now)],
};

export const priorityClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Value', 'integer', 'The integer value of this priority class.'),
    col('Global-Default', 'boolean', 'Whether this is the default priority class.'),
    ageCol(),
    col('PreemptionPolicy', 'string', 'The policy for preempting lower-priority pods.'),
  ],
  row: (obj, now) => [name(obj), typeof obj.value === 'number' ? obj.value : 0, obj.globalDefault === true, age(obj, now), s(obj.preemptionPolicy)],
};

/** IntOrString as Go's String() prints it; N/A when unset (upstream's printPodDisruptionBudget). */
const intOrStringCell = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Min Available', 'string', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageCol(),
  ],
  row: (obj, now) => {
    const sp = spec(obj);
    const disruptions = (obj.status as { disruptionsAllowed?: unknown } | undefined)?.disruptionsAllowed;
    return [name(obj), intOrStringCell(sp.minAvailable), intOrStringCell(sp.maxUnavailable), typeof disruptions === 'number' ? disruptions : 0, age(obj, now)];
  },
};

export const runtimeClassPrinter: TablePrinter = {
  columns: [nameCol(), col('Handler', 'string', 'The name of the underlying runtime and configuration.'), ageCol()],
  row: (obj, now) => [name(obj), s(obj.handler), age(obj, now)],
};

function roleBindingPrinter(): TablePrinter {
  return {
    columns: [
      nameCol(),
      col('Role', 'string', 'The role the binding grants.'),
      ageCol(),
      col('Users', 'string', 'Users in the binding', 1),
      col('Groups', 'string', 'Groups in the binding', 1),
      col('ServiceAccounts', 'string', 'ServiceAccounts in the binding', 1),
    ],
    row(obj, now) {
      const ref = o(obj.roleRef);
      const users: string[] = [];
      const groups: string[] = [];
      const sas: string[] = [];
      for (const subj of (Array.isArray(obj.subjects) ? obj.subjects : []).map(o)) {
        if (subj.kind === 'User') users.push(s(subj.name));
        else if (subj.kind === 'Group') groups.push(s(subj.name));
        else if (subj.kind === 'ServiceAccount') sas.push(`${s(subj.namespace)}/${s(subj.name)}`);
      }
      return [name(obj), `${s(ref.kind)}/${s(ref.name)}`, age(obj, now), users.join(', '), groups.join(', '), sas.join(', ')];
    },
  };
}
export const rbacRoleBindingPrinter = roleBindingPrinter();

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameCol(),
    col('Provisioner', 'string', 'The provisioner of volumes of this class.'),
    col('ReclaimPolicy', 'string', 'The reclaim policy of dynamically provisioned volumes.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'string', 'Whether volumes of this class can be expanded.'),
    ageCol(),
  ],
  row(obj, now) {
    const ann = obj.metadata?.annotations ?? {};
    const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return [
      isDefault ? `${name(obj)} (default)` : name(obj),
      s(obj.provisioner),
      // Only an unset field prints its default; a set one prints as it is, even empty.
      obj.reclaimPolicy == null ? 'Delete' : s(obj.reclaimPolicy),
      obj.volumeBindingMode == null ? 'Immediate' : s(obj.volumeBindingMode),
      obj.allowVolumeExpansion === true,
      age(obj, now),
    ];
  },
};
