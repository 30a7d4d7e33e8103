/**
 * Pod defaults, as upstream's SetDefaults_PodSpec / SetDefaults_Container
 * (pkg/apis/core/v1/defaults.go). Applied to pods and to every pod template.
 */
import { ensureObj, objects, setDefault, type Obj } from './util.js';

/** `Always` for `:latest` or untagged images, otherwise `IfNotPresent` (digests count as tagged). */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!probe || typeof probe !== 'object') return;
  const p = probe as Obj;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = p.httpGet as Obj | undefined;
  if (http && typeof http === 'object') {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

function defaultLifecycleHandler(h: unknown): void {
  const http = (h as Obj | undefined)?.httpGet as Obj | undefined;
  if (http && typeof http === 'object') {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

export function defaultContainer(c: Obj): void {
  if (typeof c.image === 'string' && c.image) setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const port of objects(c.ports)) setDefault(port, 'protocol', 'TCP');
  for (const e of objects(c.env)) {
    const fieldRef = (e.valueFrom as Obj | undefined)?.fieldRef as Obj | undefined;
    if (fieldRef && typeof fieldRef === 'object') setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = c.lifecycle as Obj | undefined;
  if (lifecycle && typeof lifecycle === 'object') {
    defaultLifecycleHandler(lifecycle.postStart);
    defaultLifecycleHandler(lifecycle.preStop);
  }
  // Limits without requests: requests default to the limits (SetDefaults_Pod does this per container).
  const resources = c.resources as Obj;
  const limits = resources.limits as Obj | undefined;
  if (limits && typeof limits === 'object') {
    const requests = ensureObj(resources, 'requests');
    for (const [k, v] of Object.entries(limits)) setDefault(requests, k, v);
  }
}

function defaultVolume(v: Obj): void {
  // A volume with no source at all becomes an emptyDir, as upstream.
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  const mode = (key: string, field = 'defaultMode') => {
    const s = v[key] as Obj | undefined;
    if (s && typeof s === 'object') setDefault(s, field, 0o644);
  };
  mode('secret');
  mode('configMap');
  mode('downwardAPI');
  mode('projected');
  const hostPath = v.hostPath as Obj | undefined;
  if (hostPath && typeof hostPath === 'object') setDefault(hostPath, 'type', '');
  const iscsi = v.iscsi as Obj | undefined;
  if (iscsi && typeof iscsi === 'object') setDefault(iscsi, 'iscsiInterface', 'default');
}

export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'enableServiceLinks', true);
  // serviceAccount is the deprecated twin of serviceAccountName; upstream keeps them in sync.
  if (spec.serviceAccountName === undefined && typeof spec.serviceAccount === 'string') spec.serviceAccountName = spec.serviceAccount;
  if (spec.hostNetwork === true) {
    for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
      for (const p of objects(c.ports)) if (p.hostPort === undefined && typeof p.containerPort === 'number') p.hostPort = p.containerPort;
    }
  }
  for (const c of objects(spec.containers)) defaultContainer(c);
  for (const c of objects(spec.initContainers)) defaultContainer(c);
  for (const c of objects(spec.ephemeralContainers)) {
    setDefault(c, 'terminationMessagePath', '/dev/termination-log');
    setDefault(c, 'terminationMessagePolicy', 'File');
    if (typeof c.image === 'string' && c.image) setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  }
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };

/** A resource quantity in nano-units, exact (BigInt), for comparisons; undefined if malformed. */
export function quantityNanos(q: unknown): bigint | undefined {
  const text = typeof q === 'number' ? String(q) : q;
  if (typeof text !== 'string') return undefined;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?))$/.exec(text.trim());
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const [, sign, whole, frac = '', exp, binary, decimal] = m;
  // digits × 10^(scale) nano-units, with scale counting the fraction digits.
  let digits = BigInt((whole || '0') + frac);
  let scale = 9 - frac.length + (exp ? Number(exp.slice(1)) : DECIMAL_SUFFIX[decimal ?? ''] ?? 0);
  if (binary) digits *= BINARY_SUFFIX[binary]!;
  const value = scale >= 0 ? digits * 10n ** BigInt(scale) : digits / 10n ** BigInt(-scale);
  return sign === '-' ? -value : value;
}

/**
 * The pod's QoS class from its containers' cpu and memory requests and limits, as
 * upstream's GetPodQOS: nothing set → BestEffort; every container limiting both with
 * requests equal to limits → Guaranteed; anything else → Burstable.
 */
export function podQOSClass(spec: Obj): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = (c.resources ?? {}) as Obj;
    const cLimits = (resources.limits ?? {}) as Obj;
    // Requests not given default to the limits (SetDefaults_Pod), so count them as such.
    const cRequests = { ...cLimits, ...((resources.requests ?? {}) as Obj) };
    for (const name of ['cpu', 'memory']) {
      const r = quantityNanos(cRequests[name]);
      if (r !== undefined && r !== 0n) requests.set(name, (requests.get(name) ?? 0n) + r);
    }
    let limited = 0;
    for (const name of ['cpu', 'memory']) {
      const l = quantityNanos(cLimits[name]);
      if (l !== undefined && l !== 0n) { limits.set(name, (limits.get(name) ?? 0n) + l); limited++; }
    }
    if (limited < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [name, r] of requests) if (limits.get(name) !== r) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/**
 * Pod: spec defaults, and the status a new pod starts with (the pod strategy's
 * PrepareForCreate: phase Pending and its QoS class). Later writes keep their status.
 */
export function defaultPod(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  defaultPodSpec(spec);
  const status = ensureObj(obj, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', podQOSClass(spec));
}

/** `spec.template.spec` of a workload, if there is a template. */
export function defaultTemplate(spec: Obj): void {
  const template = spec.template as Obj | undefined;
  if (!template || typeof template !== 'object') return;
  defaultPodSpec(ensureObj(template, 'spec'));
}
