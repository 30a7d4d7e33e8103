/**
 * The most important rules of upstream's ValidatePodSpec (pkg/apis/core/validation):
 * containers present and well named, images set, enum fields, ports, env names,
 * volumes and the mounts that refer to them.
 */
import { validateTolerations } from './tolerations.js';
import type { FieldError, KObject } from '../types.js';
import { child, duplicate, forbidden, index, invalid, invalidEach, nonNegative, notFound, notSupported, required } from './field.js';
import { isDNS1123Label, isEnvVarName, isValidPortName, isValidPortNum } from './names.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

function validatePorts(ports: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index(path, i);
    if (typeof p.name === 'string' && p.name) {
      errs.push(...invalidEach(child(pp, 'name'), p.name, isValidPortName(p.name)));
      if (names.has(p.name)) errs.push(duplicate(child(pp, 'name'), p.name));
      names.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(required(child(pp, 'containerPort'), ''));
    else errs.push(...invalidEach(child(pp, 'containerPort'), p.containerPort, isValidPortNum(Number(p.containerPort))));
    if (p.hostPort !== undefined && p.hostPort !== 0) errs.push(...invalidEach(child(pp, 'hostPort'), p.hostPort, isValidPortNum(Number(p.hostPort))));
    if (!p.protocol) errs.push(required(child(pp, 'protocol'), ''));
    else if (!PROTOCOLS.includes(String(p.protocol))) errs.push(notSupported(child(pp, 'protocol'), p.protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((e, i) => {
    const ep = index(path, i);
    if (!e.name) errs.push(required(child(ep, 'name'), ''));
    else errs.push(...invalidEach(child(ep, 'name'), e.name, isEnvVarName(String(e.name))));
    if (e.valueFrom && e.value) errs.push(invalid(child(ep, 'valueFrom'), '', 'may not be specified when `value` is not empty'));
  });
  return errs;
}

function validateContainers(containers: Obj[], path: string, volumes: Set<string>, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const cp = index(path, i);
    if (!c.name) errs.push(required(child(cp, 'name'), ''));
    else {
      errs.push(...invalidEach(child(cp, 'name'), c.name, isDNS1123Label(String(c.name))));
      if (seen.has(String(c.name))) errs.push(duplicate(child(cp, 'name'), c.name));
      seen.add(String(c.name));
    }
    if (!c.image || (typeof c.image === 'string' && !c.image.trim())) errs.push(required(child(cp, 'image'), ''));
    if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(String(c.imagePullPolicy))) {
      errs.push(notSupported(child(cp, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
    }
    if (c.terminationMessagePolicy !== undefined && !TERMINATION_MESSAGE_POLICIES.includes(String(c.terminationMessagePolicy))) {
      errs.push(notSupported(child(cp, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES));
    }
    errs.push(...validatePorts(asArr(c.ports), child(cp, 'ports')));
    errs.push(...validateEnv(asArr(c.env), child(cp, 'env')));
    const mountPaths = new Set<string>();
    asArr(c.volumeMounts).forEach((m, j) => {
      const mp = index(child(cp, 'volumeMounts'), j);
      if (!m.name) errs.push(required(child(mp, 'name'), ''));
      else if (!volumes.has(String(m.name))) errs.push(notFound(child(mp, 'name'), m.name));
      if (!m.mountPath) errs.push(required(child(mp, 'mountPath'), ''));
      else if (mountPaths.has(String(m.mountPath))) errs.push(invalid(child(mp, 'mountPath'), m.mountPath, 'must be unique'));
      else mountPaths.add(String(m.mountPath));
    });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const pr = c[probe];
      if (!pr) continue;
      const prp = child(cp, probe);
      const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => asObj(pr)[h]);
      if (handlers.length === 0) errs.push(required(prp, 'must specify a handler type'));
      else if (handlers.length > 1) errs.push(forbidden(child(prp, handlers[1]), 'may not specify more than 1 handler type'));
      for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
        errs.push(...nonNegative(child(prp, f), asObj(pr)[f]));
      }
    }
  });
  return errs;
}

/**
 * Validates a PodSpec found at `path` (`spec` for pods, `spec.template.spec` for
 * workloads). `mountable` names volumes the pods will have besides the spec's own (a
 * StatefulSet's volumeClaimTemplates), which volumeMounts may name.
 */
export function validatePodSpec(specValue: unknown, path: string, mountable: string[] = []): FieldError[] {
  const spec = asObj(specValue);
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  asArr(spec.volumes).forEach((v, i) => {
    const vp = index(child(path, 'volumes'), i);
    if (!v.name) errs.push(required(child(vp, 'name'), ''));
    else {
      errs.push(...invalidEach(child(vp, 'name'), v.name, isDNS1123Label(String(v.name))));
      if (volumes.has(String(v.name))) errs.push(duplicate(child(vp, 'name'), v.name));
      volumes.add(String(v.name));
    }
  });
  const containers = asArr(spec.containers);
  const seen = new Set<string>();
  if (!containers.length) errs.push(required(child(path, 'containers'), ''));
  const mounts = mountable.length ? new Set([...volumes, ...mountable]) : volumes;
  errs.push(...validateContainers(containers, child(path, 'containers'), mounts, seen));
  errs.push(...validateContainers(asArr(spec.initContainers), child(path, 'initContainers'), mounts, seen));
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(String(spec.restartPolicy))) {
    errs.push(notSupported(child(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(String(spec.dnsPolicy))) {
    errs.push(notSupported(child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES));
  }
  errs.push(...nonNegative(child(path, 'terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds));
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.activeDeadlineSeconds <= 0) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')));
  if (spec.hostname) errs.push(...invalidEach(child(path, 'hostname'), spec.hostname, isDNS1123Label(String(spec.hostname))));
  if (spec.subdomain) errs.push(...invalidEach(child(path, 'subdomain'), spec.subdomain, isDNS1123Label(String(spec.subdomain))));
  return errs;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Obj)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Strips what a pod update may change, so the rest can be compared. */
function mutableStripped(specValue: unknown, keepNodeName: string | undefined): string {
  const spec = structuredClone(asObj(specValue));
  for (const list of ['containers', 'initContainers']) for (const c of asArr(spec[list])) delete c.image;
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  // Ephemeral containers and binding arrive through their own subresources.
  delete spec.ephemeralContainers;
  if (keepNodeName !== undefined) spec.nodeName = keepNodeName;
  return canonicalJson(spec);
}

export function validatePod(obj: KObject, old?: KObject): FieldError[] {
  // A spec carried over from the stored object (status updates keep it by reference) was validated when stored.
  if (old && obj.spec === old.spec) return [];
  const errs = validatePodSpec(obj.spec, 'spec');
  if (old) {
    const oldSpec = asObj(old.spec);
    // Binding sets nodeName on an unbound pod; treat that as allowed here.
    const nodeName = oldSpec.nodeName ? undefined : String(asObj(obj.spec).nodeName ?? '');
    const a = mutableStripped(obj.spec, nodeName);
    const b = mutableStripped(old.spec, nodeName);
    if (a !== b) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  }
  return errs;
}
