/**
 * A pod's volumes on this node (the kubelet's volume manager, reduced to what a single
 * node needs): each volume becomes a host directory or file before the pod's sandbox is
 * made, and each container's volumeMounts become the runtime's mounts.
 *
 *   <root>/<pod uid>/volumes/kubernetes.io~<kind>/<name>   emptyDir, configMap, secret,
 *                                                           downwardAPI, projected
 *   hostPath, persistentVolumeClaim                          the host's own path
 *
 * `setUp` runs on every sync of a live pod: emptyDir, hostPath and claims are set up once;
 * configMap, secret, downwardAPI and projected contents are rewritten (atomic-writer.ts,
 * which writes nothing when nothing changed), so changed objects and labels reach running
 * containers. A pod's containers start only once every volume has been set up once;
 * later failures leave the last contents in place and are only reported.
 */
import { closeSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../../../api/objects/index.js';
import type { KeyValue, Mount } from '../../runtime/types.js';
import { ContainerConfigError } from '../env.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { configMapPayload, secretPayload } from './config-map.js';
import { downwardPayload } from './downward-api.js';
import { ensureVolumeDir, mountPoints, setUpEmptyDir, unmountUnder } from './empty-dir.js';
import { setUpHostPath } from './host-path.js';
import { diskUsageBytes } from './usage.js';
import { quantityNanos } from '../../../api/defaults/pod.js';
import { projectedPayload } from './projected.js';
import { ClaimError, resolveClaim } from './pvc.js';
import type { VolumeSources } from './sources.js';
import { modeOf } from './payload.js';
import { checkSubPath, openSubPath, SubPathError } from '../../runtime/subpath.js';
import { expandSubPathExpr } from './subpath.js';

export type { VolumeSources } from './sources.js';

type Obj = Record<string, unknown>;

export interface PodVolume {
  name: string;
  /** The host path the volume's mounts bind. */
  hostPath: string;
  /** Mounted read-only whatever the volumeMount says (configMap, secret, downwardAPI, projected; a read-only claim). */
  readOnly: boolean;
}

export interface SetUpResult {
  /** Every volume has been set up at least once: the pod's containers may start. */
  ready: boolean;
  /** What failed in this pass, each as the kubelet's FailedMount event says it. */
  failures: string[];
}

export interface PodVolumesOptions {
  /** Where pods' volume directories live (`<root>/<uid>/volumes/...`). */
  root: string;
  sources: VolumeSources;
  /** Node allocatable, for downwardAPI limits a container does not set. */
  allocatable: Record<string, string>;
  /** The agent may mount tmpfs (it runs as root); otherwise memory-backed volumes are on disk. */
  tmpfs: boolean;
  /** Cleanup that failed (a mount that would not go): the directory stays for the next start. */
  onError?(err: Error): void;
}

/** Volume kinds whose contents the agent writes, with upstream's directory names and whether upstream keeps them in memory. */
const WRITTEN: Record<string, { dir: string; memory: boolean }> = {
  configMap: { dir: 'kubernetes.io~configmap', memory: false },
  secret: { dir: 'kubernetes.io~secret', memory: true },
  downwardAPI: { dir: 'kubernetes.io~downward-api', memory: true },
  projected: { dir: 'kubernetes.io~projected', memory: true },
};

/** An emptyDir on disk with a sizeLimit, which the agent measures (the kubelet's local storage eviction). */
export interface LimitedEmptyDir {
  uid: string;
  volume: string;
  dir: string;
  limitBytes: number;
  /** The limit as the pod spec says it, for messages. */
  limit: string;
}

export class PodVolumes {
  /** By pod uid: the volumes set up at least once. */
  private readonly pods = new Map<string, Map<string, PodVolume>>();
  /** By pod uid: its emptyDirs on disk that have a sizeLimit. */
  private readonly limited = new Map<string, LimitedEmptyDir[]>();

  constructor(private readonly o: PodVolumesOptions) {}

  /**
   * The agent stops. With its pods gone, anything still mounted under the root goes too;
   * pods kept running by the runtime keep their memory-backed volumes.
   *
   * Nothing else is mounted on the host: the root is not made a shared mount (as the
   * kubelet does), which would outlive a crashed agent. Pods' namespaces hold copies of
   * the tmpfs volumes that existed when they were made; removing a pod's directory on the
   * host detaches those copies everywhere (Linux ≥ 3.18), so none keeps a tmpfs alive.
   */
  async close(podsGone: boolean): Promise<void> {
    if (this.o.tmpfs && podsGone) await unmountUnder(this.o.root);
  }

  async setUp(pod: Pod): Promise<SetUpResult> {
    const uid = pod.metadata.uid ?? '';
    const known = this.pods.get(uid) ?? new Map<string, PodVolume>();
    this.pods.set(uid, known);
    const failures: string[] = [];
    const claimFailures: Array<{ name: string; message: string }> = [];
    for (const volume of pod.spec.volumes ?? []) {
      try {
        known.set(volume.name, await this.setUpVolume(pod, volume, known.get(volume.name)));
      } catch (err) {
        const message = (err as Error).message;
        if (err instanceof ClaimError) claimFailures.push({ name: volume.name, message });
        else failures.push(`MountVolume.SetUp failed for volume "${volume.name}" : ${message}`);
      }
    }
    const unmounted = (pod.spec.volumes ?? []).filter((v) => !known.has(v.name)).map((v) => v.name);
    if (claimFailures.length) {
      // Go's %v of a []string: `[a b]`.
      failures.push(`Unable to attach or mount volumes: unmounted volumes=[${unmounted.join(' ')}], unattached volumes=[], failed to process volumes=[${claimFailures.map((f) => f.name).join(' ')}]: ${claimFailures.map((f) => f.message).join('; ')}`);
    }
    return { ready: unmounted.length === 0, failures };
  }

  private async setUpVolume(pod: Pod, volume: { name: string; [source: string]: unknown }, known: PodVolume | undefined): Promise<PodVolume> {
    const uid = pod.metadata.uid ?? '';
    const namespace = pod.metadata.namespace ?? 'default';
    const name = volume.name;
    const dirOf = (kind: string) => join(this.o.root, uid, 'volumes', kind, name);
    const written = Object.keys(WRITTEN).find((k) => volume[k]);
    if (written) {
      const source = volume[written] as Obj;
      const dir = dirOf(WRITTEN[written]!.dir);
      const payload = await this.payloadOf(pod, written, source, namespace);
      if (!known) await ensureVolumeDir(dir, { memory: WRITTEN[written]!.memory, tmpfs: this.o.tmpfs, mode: 0o755 });
      writeAtomically(dir, payload);
      return { name, hostPath: dir, readOnly: true };
    }
    // The rest are set up once: their host path does not change while the pod lives.
    if (known) return known;
    if (volume.emptyDir) {
      const dir = dirOf('kubernetes.io~empty-dir');
      const source = volume.emptyDir as Obj;
      await setUpEmptyDir(dir, source, this.o.tmpfs);
      const onTmpfs = source.medium === 'Memory' && this.o.tmpfs;
      const limitBytes = source.sizeLimit === undefined ? undefined : Number((quantityNanos(String(source.sizeLimit)) ?? 0n) / 1_000_000_000n);
      if (!onTmpfs && limitBytes) this.limited.set(uid, [...(this.limited.get(uid) ?? []), { uid, volume: name, dir, limitBytes, limit: String(source.sizeLimit) }]);
      return { name, hostPath: dir, readOnly: false };
    }
    if (volume.hostPath) return { name, hostPath: setUpHostPath(volume.hostPath as Obj), readOnly: false };
    if (volume.persistentVolumeClaim) {
      const claim = await resolveClaim(this.o.sources, namespace, volume.persistentVolumeClaim as Obj);
      return { name, hostPath: claim.path, readOnly: claim.readOnly };
    }
    if (volume.ephemeral) {
      // A generic ephemeral volume is the claim `<pod>-<volume>` its controller makes.
      const claim = await resolveClaim(this.o.sources, namespace, { claimName: `${pod.metadata.name}-${name}` });
      return { name, hostPath: claim.path, readOnly: claim.readOnly };
    }
    const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'none';
    throw new Error(`volume source ${kind} is not supported by this node (emptyDir, hostPath, configMap, secret, downwardAPI, projected, persistentVolumeClaim and ephemeral are)`);
  }

  private payloadOf(pod: Pod, kind: string, source: Obj, namespace: string): Promise<Payload> {
    switch (kind) {
      case 'configMap': return configMapPayload(this.o.sources, namespace, source);
      case 'secret': return secretPayload(this.o.sources, namespace, source);
      case 'downwardAPI': return Promise.resolve(downwardPayload(pod, (source.items as Obj[] | undefined) ?? [], modeOf(source.defaultMode), this.o.allocatable));
      default: return projectedPayload(this.o.sources, pod, source, this.o.allocatable);
    }
  }

  /**
   * The runtime mounts of a container (upstream makeMounts): each volumeMount's volume,
   * its subPath (or subPathExpr expanded with the container's variables) checked and
   * resolved inside the volume. Throws a ContainerConfigError (CreateContainerConfigError).
   */
  mountsFor(pod: Pod, container: Container, env: KeyValue[]): Mount[] {
    const volumes = this.pods.get(pod.metadata.uid ?? '') ?? new Map<string, PodVolume>();
    const vars = new Map(env.map((e) => [e.key, e.value]));
    const mounts: Mount[] = [];
    for (const m of (container.volumeMounts as Obj[] | undefined) ?? []) {
      const name = String(m.name ?? '');
      const volume = volumes.get(name);
      if (!volume) throw new ContainerConfigError(`cannot find volume "${name}" to mount into container "${container.name}"`);
      let subPath = typeof m.subPath === 'string' ? m.subPath : '';
      try {
        if (typeof m.subPathExpr === 'string' && m.subPathExpr) subPath = expandSubPathExpr(m.subPathExpr, vars);
        if (subPath) checkSubPath(subPath);
      } catch (err) {
        if (err instanceof SubPathError) throw new ContainerConfigError(err.message);
        throw err;
      }
      if (subPath) {
        // Checked (and missing directories made) here; the runtime opens it again at start, race-free.
        try {
          closeSync(openSubPath(volume.hostPath, subPath).fd);
        } catch {
          // Upstream keeps the details (host paths) out of what the user sees.
          throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${name}" of container "${container.name}"`);
        }
      }
      mounts.push({
        containerPath: String(m.mountPath ?? ''), hostPath: volume.hostPath, readonly: m.readOnly === true || volume.readOnly,
        ...(subPath ? { subPath } : {}), volumeName: name,
      });
    }
    return mounts;
  }

  /** The emptyDirs on disk past their sizeLimit, with upstream's eviction message for each. */
  async overLimit(): Promise<Array<{ uid: string; message: string }>> {
    const over: Array<{ uid: string; message: string }> = [];
    for (const dirs of this.limited.values()) {
      for (const d of dirs) {
        if (await diskUsageBytes(d.dir) > d.limitBytes) over.push({ uid: d.uid, message: `Usage of EmptyDir volume ${JSON.stringify(d.volume)} exceeds the limit ${JSON.stringify(d.limit)}. ` });
      }
    }
    return over;
  }

  /** ConfigMaps, Secrets and claims the pod's volumes read (by name), to sync the pod again when those change. */
  static references(pod: Pod): { configMaps: Set<string>; secrets: Set<string>; claims: Set<string> } {
    const configMaps = new Set<string>();
    const secrets = new Set<string>();
    const claims = new Set<string>();
    for (const v of pod.spec.volumes ?? []) {
      if (v.configMap) configMaps.add(String((v.configMap as Obj).name ?? ''));
      if (v.secret) secrets.add(String((v.secret as Obj).secretName ?? ''));
      if (v.persistentVolumeClaim) claims.add(String((v.persistentVolumeClaim as Obj).claimName ?? ''));
      if (v.ephemeral) claims.add(`${pod.metadata.name}-${v.name}`);
      for (const s of ((v.projected as Obj | undefined)?.sources as Obj[] | undefined) ?? []) {
        if (s.configMap) configMaps.add(String((s.configMap as Obj).name ?? ''));
        if (s.secret) secrets.add(String((s.secret as Obj).name ?? ''));
      }
    }
    return { configMaps, secrets, claims };
  }

  /** Removes a pod's volume directories: memory-backed ones unmounted first; host paths and claims are left alone. */
  async tearDown(uid: string): Promise<void> {
    this.pods.delete(uid);
    this.limited.delete(uid);
    if (!uid) return;
    const dir = join(this.o.root, uid);
    if (!existsSync(dir)) return;
    try {
      await unmountUnder(dir);
      // Never remove through a mount that would not go: the directory is left for the next start.
      if (mountPoints().some((m) => m === dir || m.startsWith(`${dir}/`))) throw new Error(`they are still mounted under ${dir}`);
      rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      this.o.onError?.(new Error(`removing the volumes of pod ${uid} failed: ${(err as Error).message}`));
    }
  }

  /** Volume directories of pods this agent no longer runs (it stopped or crashed meanwhile). */
  async cleanupOrphans(keep: Set<string>): Promise<void> {
    let uids: string[];
    try {
      uids = readdirSync(this.o.root);
    } catch {
      return;
    }
    for (const uid of uids) if (!keep.has(uid) && !this.pods.has(uid)) await this.tearDown(uid);
  }
}
