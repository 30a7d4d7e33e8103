/** Which running container instance `kubectl exec` reaches: the one the pod's status reports running. */
import type { Pod } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import type { Runtime } from '../runtime/types.js';
import type { ExecTarget } from '../server/exec.js';

export function agentExecTarget(pods: Informer<Pod>, runtime: Runtime): ExecTarget {
  return {
    async exec(namespace, name, container, command, options) {
      const pod = pods.get(name, namespace);
      if (!pod) throw new Error(`pod ${name} not found`);
      const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
      if (!status?.state?.running || !status.containerID) throw new Error(`container not found ("${container}")`);
      return runtime.exec(status.containerID.replace(/^[a-z]+:\/\//, ''), command, options);
    },
  };
}
