/**
 * core/v1 rules beyond pods (pkg/apis/core/validation): services, config maps,
 * secrets, namespaces, claims, quotas.
 */
import type { FieldError, KObject } from '../types.js';
import { child, duplicate, forbidden, immutable, index, invalid, invalidEach, nonNegative, notSupported, required, tooLong } from './field.js';
import { isConfigMapKey, isDNS1123Label, isValidPortName, isValidPortNum } from './names.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

/** Upstream MaxSecretSize, also the total size limit of a config map. */
export const MAX_DATA_SIZE = 1024 * 1024;

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateService(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(String(type))) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  const ports = asArr(spec.ports);
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName', ''));
  } else if (ports.length === 0 && spec.clusterIP !== 'None') {
    errs.push(required('spec.ports', ''));
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index('spec.ports', i);
    if (ports.length > 1 && !p.name) errs.push(required(child(pp, 'name'), ''));
    else if (p.name) {
      errs.push(...invalidEach(child(pp, 'name'), p.name, isDNS1123Label(String(p.name))));
      if (names.has(String(p.name))) errs.push(duplicate(child(pp, 'name'), p.name));
      names.add(String(p.name));
    }
    if (p.port === undefined) errs.push(required(child(pp, 'port'), ''));
    else errs.push(...invalidEach(child(pp, 'port'), p.port, isValidPortNum(Number(p.port))));
    if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) errs.push(notSupported(child(pp, 'protocol'), p.protocol, PROTOCOLS));
    const tp = p.targetPort;
    if (typeof tp === 'number' && tp !== 0) errs.push(...invalidEach(child(pp, 'targetPort'), tp, isValidPortNum(tp)));
    if (typeof tp === 'string') errs.push(...invalidEach(child(pp, 'targetPort'), tp, isValidPortName(tp)));
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(forbidden(child(pp, 'nodePort'), 'may not be used when `type` is \'ClusterIP\''));
      else errs.push(...invalidEach(child(pp, 'nodePort'), p.nodePort, isValidPortNum(Number(p.nodePort))));
    }
    const k = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(k)) errs.push(duplicate(pp, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(k);
  });
  const affinities = ['ClientIP', 'None'];
  if (spec.sessionAffinity !== undefined && !affinities.includes(String(spec.sessionAffinity))) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, affinities));
  const families = ['IPv4', 'IPv6'];
  (Array.isArray(spec.ipFamilies) ? spec.ipFamilies : []).forEach((f: unknown, i: number) => {
    if (!families.includes(String(f))) errs.push(notSupported(index('spec.ipFamilies', i), f, families));
  });
  const policies = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
  if (spec.ipFamilyPolicy !== undefined && !policies.includes(String(spec.ipFamilyPolicy))) errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, policies));
  if (old) {
    const o = asObj(old.spec);
    // clusterIP may be filled in by the allocator when the old one was empty.
    if (o.clusterIP && spec.clusterIP !== undefined && spec.clusterIP !== '' && type !== 'ExternalName') errs.push(...immutable('spec.clusterIP', spec.clusterIP, o.clusterIP));
  }
  return errs;
}

function validateDataKeys(obj: KObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const f of fields) {
    for (const [k, v] of Object.entries(asObj(obj[f]))) {
      errs.push(...invalidEach(`${f}[${k}]`, k, isConfigMapKey(k)));
      if (seen.has(k)) errs.push(invalid(`${f}[${k}]`, k, 'duplicate of key present in ' + fields.find((x) => x !== f && Object.hasOwn(asObj(obj[x]), k))));
      seen.add(k);
      total += typeof v === 'string' ? v.length : 0;
    }
  }
  return errs.concat(total > MAX_DATA_SIZE ? [tooLong('', MAX_DATA_SIZE)] : []);
}

export function validateConfigMap(obj: KObject, old?: KObject): FieldError[] {
  const errs = validateDataKeys(obj, ['data', 'binaryData']);
  if (old?.immutable === true) {
    if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (JSON.stringify(obj.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {})) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function validateSecret(obj: KObject, old?: KObject): FieldError[] {
  const errs = validateDataKeys(obj, ['data']);
  const data = asObj(obj.data);
  switch (obj.type) {
    case 'kubernetes.io/service-account-token':
      if (!obj.metadata?.annotations?.['kubernetes.io/service-account.name']) errs.push(required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!data['.dockerconfigjson']) errs.push(required('data[.dockerconfigjson]', ''));
      break;
    case 'kubernetes.io/dockercfg':
      if (!data['.dockercfg']) errs.push(required('data[.dockercfg]', ''));
      break;
    case 'kubernetes.io/tls':
      if (!data['tls.crt']) errs.push(required('data[tls.crt]', ''));
      if (!data['tls.key']) errs.push(required('data[tls.key]', ''));
      break;
    case 'kubernetes.io/basic-auth':
      if (!data.username && !data.password) errs.push(required('data[username]', ''), required('data[password]', ''));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required('data[ssh-privatekey]', ''));
      break;
  }
  if (old) {
    errs.push(...immutable('type', obj.type, old.type));
    if (old.immutable === true) {
      if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
      if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

export function validateNamespace(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(asObj(obj.spec).finalizers) ? (asObj(obj.spec).finalizers as unknown[]) : []).forEach((f, i) => {
    if (typeof f !== 'string' || !f) errs.push(required(index('spec.finalizers', i), ''));
  });
  return errs;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

export function validatePersistentVolumeClaim(obj: KObject, old?: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs: FieldError[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (!modes.length) errs.push(required('spec.accessModes', 'at least 1 access mode is required'));
  modes.forEach((m: unknown) => { if (!ACCESS_MODES.includes(String(m))) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES)); });
  if (!asObj(asObj(spec.resources).requests).storage) errs.push(required('spec.resources[storage]', ''));
  const vm = ['Block', 'Filesystem'];
  if (spec.volumeMode !== undefined && !vm.includes(String(spec.volumeMode))) errs.push(notSupported('spec.volumeMode', spec.volumeMode, vm));
  if (old && asObj(old.spec).volumeName && spec.volumeName !== asObj(old.spec).volumeName) {
    errs.push(...immutable('spec.volumeName', spec.volumeName, asObj(old.spec).volumeName));
  }
  return errs;
}

export function validatePersistentVolume(obj: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs: FieldError[] = [];
  const modes = Array.isArray(spec.accessModes) ? spec.accessModes : [];
  if (!modes.length) errs.push(required('spec.accessModes', ''));
  modes.forEach((m: unknown) => { if (!ACCESS_MODES.includes(String(m))) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES)); });
  if (!asObj(spec.capacity).storage) errs.push(required('spec.capacity', ''));
  const policies = ['Delete', 'Recycle', 'Retain'];
  if (spec.persistentVolumeReclaimPolicy !== undefined && !policies.includes(String(spec.persistentVolumeReclaimPolicy))) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', spec.persistentVolumeReclaimPolicy, policies));
  }
  return errs;
}

export function validateReplicationController(obj: KObject): FieldError[] {
  const spec = asObj(obj.spec);
  const errs = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
  const selector = asObj(spec.selector) as Record<string, string>;
  const labels = asObj(asObj(asObj(spec.template).metadata).labels) as Record<string, string>;
  if (!Object.keys(selector).length) errs.push(required('spec.selector', ''));
  else if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  if (!spec.template) errs.push(required('spec.template', ''));
  return errs;
}

export function validateTaints(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const effects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
  asArr(asObj(obj.spec).taints).forEach((t, i) => {
    const p = index('spec.taints', i);
    if (!t.key) errs.push(required(child(p, 'key'), ''));
    if (!effects.includes(String(t.effect))) errs.push(t.effect ? notSupported(child(p, 'effect'), t.effect, effects) : required(child(p, 'effect'), ''));
  });
  return errs;
}
