/**
 * The conditions a healthy kubelet posts on its Node (setters.go in pkg/kubelet/nodestatus),
 * shared by the agent and simulated nodes. A condition keeps its transition time while its
 * status holds; every report is a heartbeat.
 */
import type { Condition } from '../api/objects/index.js';

export function healthyNodeConditions(previous: Condition[] | undefined, at: string, extra: Array<[string, 'True' | 'False', string, string]> = []): Condition[] {
  const rows: Array<[string, 'True' | 'False', string, string]> = [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ...extra,
  ];
  return rows.map(([type, status, reason, message]) => {
    const before = previous?.find((c) => c.type === type);
    const since = before?.status === status ? before.lastTransitionTime : undefined;
    return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: since ?? at } as Condition;
  });
}
