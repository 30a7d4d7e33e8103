/**
 * A whole node: the `process` runtime (and `simulated`, by RuntimeClass), the kubelet API
 * and the agent, on one API client. `skiff server` runs one for its own node; `skiff
 * agent` runs one that joined a cluster. Stopping it stops its pods' processes: none
 * outlive it.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Client } from '../client/client.js';
import type { LogSource, StreamingTarget } from './server/index.js';

export interface NodeOptions {
  client: Client;
  nodeName: string;
  /** The node's state: process records, pod logs, volumes. */
  dataDir: string;
  /** The address the kubelet API listens on and the Node reports. */
  address: string;
  /** 0: any free port (the Node reports the one chosen). */
  kubeletPort: number;
  /** The kubelet API's serving certificate, and the CA its clients' certificates must chain to. */
  tls: { cert: string; key: string; ca: string };
  labels?: Record<string, string>;
  logger: Logger;
}

export interface RunningNode {
  kubeletPort: number;
  stop(): Promise<void>;
}

const starting = () => Promise.reject(new Error('the agent is starting'));

export async function runNode(o: NodeOptions): Promise<RunningNode> {
  const [{ startAgent }, { createProcessRuntime, openCgroups }, { SimulatedRuntime }, { RuntimesByHandler }, { startKubeletServer }, { agentLogSource }, { agentStreamingTarget }] = await Promise.all([
    import('./agent/index.js'), import('./runtime/process/index.js'), import('./runtime/simulated/index.js'), import('./runtime/by-handler.js'),
    import('./server/index.js'), import('./agent/logs.js'), import('./agent/streaming.js'),
  ]);
  const { logger } = o;
  // Pods run as processes unless their RuntimeClass names the `simulated` handler.
  const runtime = new RuntimesByHandler([
    // Records of running process groups: a node that crashed has its orphans killed at the next start.
    // Limits through cgroups when this host lets us make them; the node says which.
    createProcessRuntime({ stateDir: join(o.dataDir, 'process'), cgroups: openCgroups(`skiff/${o.nodeName}`), onError: (err) => logger.warn({ err: String(err) }, 'process runtime') }),
    new SimulatedRuntime(),
  ]);
  // The kubelet API listens before the node registers, so the Node can name its port; it
  // serves logs and streams once the agent (and its pods informer) is up.
  let logs: LogSource | undefined;
  let agentRef: { summary(): Promise<unknown>; metrics(): Promise<string>; resourceMetrics(): Promise<string> } | undefined;
  let streaming: StreamingTarget | undefined;
  let kubelet;
  try {
    kubelet = await startKubeletServer({
      bindAddress: o.address, port: o.kubeletPort, tls: o.tls,
      logs: { containerLog: (...a) => (logs ? logs.containerLog(...a) : starting()) },
      stats: { summary: () => (agentRef ? agentRef.summary() : starting()) },
      metrics: {
        metrics: () => (agentRef ? agentRef.metrics() : starting()),
        resource: () => (agentRef ? agentRef.resourceMetrics() : starting()),
      },
      streaming: {
        exec: (...a) => (streaming ? streaming.exec(...a) : starting()),
        attach: (...a) => (streaming ? streaming.attach(...a) : starting()),
        pod: (...a) => (streaming ? streaming.pod(...a) : starting()),
      },
    });
  } catch (err) {
    await runtime.close({ killAll: true });
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`the kubelet port ${o.kubeletPort} on ${o.address} is already in use (choose another with --kubelet-port, 0 for any)`);
    throw err;
  }
  const agent = await startAgent({
    client: o.client, nodeName: o.nodeName, runtime, dataDir: o.dataDir, address: o.address, kubeletPort: kubelet.port,
    labels: o.labels,
    onError: (err) => logger.warn({ err: String(err) }, 'agent'),
  });
  logs = agentLogSource(agent.pods, runtime);
  agentRef = agent;
  streaming = agentStreamingTarget(agent.pods, runtime);
  logger.info({ node: o.nodeName, kubeletPort: kubelet.port }, `node ${o.nodeName} registered (process runtime)`);
  return {
    kubeletPort: kubelet.port,
    async stop() {
      await agent.stop({ killPods: true, graceSeconds: 5 });
      await runtime.close({ killAll: true });
      await kubelet.stop();
    },
  };
}
