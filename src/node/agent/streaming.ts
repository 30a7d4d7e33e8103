/**
 * What the kubelet API's streaming endpoints reach: `kubectl exec` and `attach` go to the
 * container instance the pod's status reports running, `port-forward` to the pod's
 * ready sandbox. Lookups fail with the kubelet's own words and statuses.
 */
import type { Pod } from '../../api/objects/index.js';
import type { Informer } from '../../client/informer.js';
import type { Runtime } from '../runtime/types.js';
import { LogLookupError, type StreamingTarget } from '../server/index.js';

export function agentStreamingTarget(pods: Informer<Pod>, runtime: Runtime): StreamingTarget {
  const runningContainer = (namespace: string, name: string, container: string): string => {
    const pod = pods.get(name, namespace);
    if (!pod) throw new LogLookupError(404, `pod ${name} not found`);
    const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
    if (!status?.state?.running || !status.containerID) throw new LogLookupError(404, `container not found ("${container}")`);
    return status.containerID.replace(/^[a-z]+:\/\//, '');
  };
  return {
    async exec(namespace, name, container, command, options) {
      return runtime.exec(runningContainer(namespace, name, container), command, options);
    },
    async attach(namespace, name, container, options) {
      return runtime.attach(runningContainer(namespace, name, container), options);
    },
    async pod(namespace, name) {
      const pod = pods.get(name, namespace);
      const uid = pod?.metadata.uid;
      const sandbox = (await runtime.listPodSandboxes()).find((s) => s.config.uid === uid && s.state === 'ready');
      if (!pod || !sandbox) throw new LogLookupError(404, `pod not found ("${name}_${namespace}")`);
      return { namespace, name, dial: (port) => runtime.portForward(sandbox.id, port) };
    },
  };
}
