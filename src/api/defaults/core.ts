/** core/v1 defaults other than pods (pkg/apis/core/v1/defaults.go). */
import type { KObject } from '../types.js';
import { ensureObj, objects, setDefault, type Obj } from './util.js';

export function defaultService(obj: KObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = ensureObj(ensureObj(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(cfg, 'timeoutSeconds', 10800);
  }
  if (spec.type !== 'ExternalName') {
    // The IP allocator may widen these for dual-stack; single-stack IPv4 is the plain default.
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    setDefault(spec, 'ipFamilies', ['IPv4']);
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && spec.externalTrafficPolicy === undefined) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  for (const p of objects(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
}

export function defaultSecret(obj: KObject): void {
  setDefault(obj as Obj, 'type', 'Opaque');
}

export function defaultNamespace(obj: KObject): void {
  // SetDefaults_Namespace: every named namespace carries its name as a label, so namespace
  // selectors can pick namespaces by name; rewritten on every write.
  const name = obj.metadata?.name;
  if (name) obj.metadata!.labels = { ...obj.metadata!.labels, 'kubernetes.io/metadata.name': name };
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  const status = ensureObj(obj as Obj, 'status');
  setDefault(status, 'phase', 'Active');
}

export function defaultPersistentVolumeClaim(obj: KObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const status = ensureObj(obj as Obj, 'status');
  setDefault(status, 'phase', 'Pending');
}

export function defaultPersistentVolume(obj: KObject): void {
  const spec = ensureObj(obj as Obj, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const status = ensureObj(obj as Obj, 'status');
  setDefault(status, 'phase', 'Pending');
}

export function defaultNode(obj: KObject): void {
  // Upstream defaults only capacity→allocatable; nodes register their own status.
  const status = (obj as Obj).status as Obj | undefined;
  if (status && typeof status === 'object' && status.capacity && !status.allocatable) status.allocatable = { ...(status.capacity as Obj) };
}

export function defaultLimitRange(obj: KObject): void {
  // For Container limits (SetDefaults_LimitRangeItem): default falls back to max;
  // defaultRequest to default, then to min.
  for (const item of objects(((obj as Obj).spec as Obj | undefined)?.limits)) {
    if (item.type !== 'Container') continue;
    const max = (item.max ?? {}) as Obj;
    const def = ensureObj(item, 'default');
    for (const [k, v] of Object.entries(max)) setDefault(def, k, v);
    const req = ensureObj(item, 'defaultRequest');
    for (const [k, v] of Object.entries(def)) setDefault(req, k, v);
    for (const [k, v] of Object.entries((item.min ?? {}) as Obj)) setDefault(req, k, v);
    if (!Object.keys(def).length) delete item.default;
    if (!Object.keys(req).length) delete item.defaultRequest;
  }
}

