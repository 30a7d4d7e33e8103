/**
 * A whole node: the `process` runtime (and `simulated`, by RuntimeClass), the kubelet API
 * and the agent, on one API client. `skiff server` runs one for its own node; `skiff
 * agent` runs one that joined a cluster. Stopping it stops its pods' processes: none
 * outlive it.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Client } from '../client/client.js';
import type { LogSource, StreamingTarget } from './server/index.js';
import type { Runtime } from './runtime/types.js';

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
  /**
   * Pods outlive this process: the process runtime runs as `skiff runtime` on
   * `<dataDir>/runtime.sock` (started if none answers), and a restarted node adopts them.
   */
  keepPods?: boolean;
}

export interface RunningNode {
  kubeletPort: number;
  stop(): Promise<void>;
}

const starting = () => Promise.reject(new Error('the agent is starting'));

/** The runtime daemon on `<dataDir>/runtime.sock`: the one already running, or a new one started detached. */
async function runtimeDaemon(o: NodeOptions): Promise<Runtime> {
  const { RemoteRuntime } = await import('./runtime/remote/client.js');
  const socket = join(o.dataDir, 'runtime.sock');
  try {
    const running = await RemoteRuntime.connect(socket);
    o.logger.info({ socket }, 'adopting the pods of the running process runtime');
    return running;
  } catch {
    // None yet: start one below.
  }
  const cli = process.argv[1] ?? '';
  if (!/(skiff(\.cjs)?|entry\.[jt]s)$/.test(cli)) throw new Error('--keep-pods starts `skiff runtime`, so it needs to run from the skiff command');
  const log = openSync(join(o.dataDir, 'runtime.log'), 'a');
  const child = spawn(process.execPath, [...process.execArgv, cli, 'runtime', '--socket', socket, '--state-dir', join(o.dataDir, 'process'), '--cgroup-subtree', `skiff/${o.nodeName}`], {
    detached: true, stdio: ['ignore', log, log],
  });
  child.unref();
  closeSync(log);
  for (let waited = 0; waited < 15_000; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      return await RemoteRuntime.connect(socket);
    } catch {
      if (child.exitCode !== null) break;
    }
  }
  throw new Error(`the process runtime did not start (see ${join(o.dataDir, 'runtime.log')})`);
}

export async function runNode(o: NodeOptions): Promise<RunningNode> {
  const [{ startAgent }, { createProcessRuntime, openCgroups }, { SimulatedRuntime }, { RuntimesByHandler }, { startKubeletServer }, { agentLogSource }, { agentStreamingTarget }] = await Promise.all([
    import('./agent/index.js'), import('./runtime/process/index.js'), import('./runtime/simulated/index.js'), import('./runtime/by-handler.js'),
    import('./server/index.js'), import('./agent/logs.js'), import('./agent/streaming.js'),
  ]);
  const { logger } = o;
  const processRuntime = o.keepPods
    ? await runtimeDaemon(o)
    // Records of running process groups: a node that crashed has its orphans killed at the next start.
    // Limits through cgroups when this host lets us make them; the node says which.
    : createProcessRuntime({ stateDir: join(o.dataDir, 'process'), cgroups: openCgroups(`skiff/${o.nodeName}`), onError: (err) => logger.warn({ err: String(err) }, 'process runtime') });
  // Pods run as processes unless their RuntimeClass names the `simulated` handler.
  const runtime = new RuntimesByHandler([processRuntime, new SimulatedRuntime()]);
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
      // With keepPods the containers stay with the runtime daemon, for the next start to adopt.
      await agent.stop({ killPods: !o.keepPods, graceSeconds: 5 });
      await runtime.close({ killAll: !o.keepPods });
      await kubelet.stop();
    },
  };
}
