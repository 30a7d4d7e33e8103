/**
 * Which log file answers `kubectl logs` for a container, decided as the kubelet's
 * validateContainerLogStatus does from the pod's reported status: the running instance,
 * else the terminated one, else the last terminated; `previous` asks for the last
 * terminated only. Messages and status codes are the kubelet's.
 */
import type { Pod } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import type { Runtime } from '../runtime/types.js';
import { LogLookupError, type LogSource } from '../server/index.js';

export function agentLogSource(pods: Informer<Pod>, runtime: Runtime): LogSource {
  return {
    async containerLog(namespace, name, container, previous) {
      const pod = pods.get(name, namespace);
      if (!pod) throw new LogLookupError(404, `pod "${name}" does not exist`);
      const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
      const inSpec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].some((c) => c.name === container);
      if (!inSpec) throw new LogLookupError(404, `container "${container}" not found in pod "${name}"`);
      const status = statuses.find((s) => s.name === container);
      const state = status?.state ?? {};
      const last = status?.lastState?.terminated as { containerID?: string } | undefined;
      const terminated = state.terminated as { containerID?: string } | undefined;
      let id: string | undefined;
      if (previous) {
        if (!last?.containerID) throw new LogLookupError(400, `previous terminated container "${container}" in pod "${name}" not found`);
        id = last.containerID;
      } else if (state.running) {
        id = status?.containerID;
      } else if (terminated) {
        id = terminated.containerID || last?.containerID;
        if (!id) throw new LogLookupError(400, `container "${container}" in pod "${name}" is terminated`);
      } else if (last) {
        id = last.containerID;
        if (!id) throw new LogLookupError(400, `container "${container}" in pod "${name}" is terminated`);
      } else if (state.waiting) {
        throw new LogLookupError(400, `container "${container}" in pod "${name}" is waiting to start: ${state.waiting.reason ?? ''}`);
      } else {
        throw new LogLookupError(400, `container "${container}" in pod "${name}" is waiting to start - no logs yet`);
      }
      const runtimeId = (id ?? '').replace(/^[a-z]+:\/\//, '');
      let instance;
      try {
        instance = await runtime.containerStatus(runtimeId);
      } catch {
        throw new LogLookupError(400, `container "${container}" in pod "${name}" is terminated`);
      }
      let running = instance.state === 'running';
      if (running) {
        const off = runtime.onEvent((e) => {
          if (e.containerId === runtimeId && e.type === 'stopped') {
            running = false;
            off();
          }
        });
      }
      return { path: instance.logPath, isRunning: () => running };
    },
  };
}
