/**
 * What the agent reports about its machine: capacity from the host's CPUs, memory and
 * the data directory's file system; allocatable after the kubelet's default hard
 * eviction reserves (memory.available 100Mi, nodefs.available 10%); node info from the
 * files a kubelet reads (/etc/machine-id, boot_id, /etc/os-release).
 */
import { readFileSync, statfsSync } from 'node:fs';
import { arch, availableParallelism, release, totalmem } from 'node:os';
import { randomUUID } from 'node:crypto';

export const KUBELET_VERSION = 'v1.33.0-skiff';
/** The kubelet's default maximum of pods per node. */
export const MAX_PODS = 110;

const MEMORY_RESERVE = 100 * 1024 * 1024;

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function osImage(): string {
  const text = readTrimmed('/etc/os-release') ?? '';
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Linux';
}

const ki = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;

export interface HostFacts {
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  nodeInfo: Record<string, string>;
}

export function hostFacts(dataDir: string, runtimeVersion: string): HostFacts {
  const memory = totalmem();
  let disk = 0;
  try {
    const fs = statfsSync(dataDir);
    disk = fs.blocks * fs.bsize;
  } catch { /* reported as 0: the scheduler then places no pod asking for ephemeral storage */ }
  const cpu = String(availableParallelism());
  return {
    capacity: { cpu, memory: ki(memory), pods: String(MAX_PODS), 'ephemeral-storage': ki(disk) },
    allocatable: { cpu, memory: ki(Math.max(0, memory - MEMORY_RESERVE)), pods: String(MAX_PODS), 'ephemeral-storage': ki(disk * 0.9) },
    nodeInfo: {
      machineID: readTrimmed('/etc/machine-id') ?? randomUUID().replace(/-/g, ''),
      systemUUID: readTrimmed('/sys/class/dmi/id/product_uuid') ?? randomUUID(),
      bootID: readTrimmed('/proc/sys/kernel/random/boot_id') ?? randomUUID(),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch()] ?? arch(),
    },
  };
}
