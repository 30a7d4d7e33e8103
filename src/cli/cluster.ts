/**
 * Wires a whole single-node cluster: credentials, store, API server, kubeconfig. Tests
 * call this directly to run the same cluster in-process.
 */
import type { Logger } from 'pino';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import type { ApiServer } from '../apiserver/server.js';
import type { Client } from '../client/client.js';
import type { ClusterCredentials } from '../pki/index.js';
import type { JoinService } from '../apiserver/handlers/join.js';
import { ensureJoinToken } from '../join/token.js';

export interface ClusterOptions {
  dataDir: string;
  port: number;
  bindAddress: string;
  datastoreEndpoint?: string;
  writeKubeconfig?: string;
  logger: Logger;
  /** Simulated nodes to register once the API is up (`--simulated-nodes`). */
  simulatedNodes?: number;
  /** Controllers to run, as `--controllers` takes them (`*`, names, `-name`); default all. */
  controllers?: string[];
  /** Run the scheduler (default); false with `--disable-scheduler`. */
  scheduler?: boolean;
  /** `--node-monitor-grace-period` (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** `--cluster-cidr`: where nodes' pod subnets come from. */
  clusterCIDR?: string;
  /** Run a node agent (Skiff's kubelet) in this process with the `process` runtime; absent with `--disable-agent`. */
  agent?: { nodeName: string; keepPods?: boolean };
  /** `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds` (300 s each). */
  defaultTolerationSeconds?: { notReadySeconds?: number; unreachableSeconds?: number };
}

export interface Cluster {
  api: ApiServer;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { logger } = options;
  const started = process.hrtime.bigint(); // not performance.now(): that loads perf_hooks (~2 ms at start)
  const bindIsSpecific = options.bindAddress !== '0.0.0.0' && options.bindAddress !== '::';
  // Start-up time: the store opens (etcd: connects) while the rest of the server loads
  // and credentials are read.
  const opening = openStore({ endpoint: options.datastoreEndpoint, dataDir: options.dataDir, logger });
  let credentials;
  let modules;
  try {
    modules = await Promise.all([
      import('../pki/index.js'),
      import('../apiserver/auth/index.js'),
      import('../apiserver/server.js'),
      import('../controllers/namespace/controller.js'),
    ]);
    credentials = await modules[0].ensureClusterCredentials({ dataDir: options.dataDir, ips: bindIsSpecific ? [options.bindAddress] : [] });
  } catch (err) {
    await opening.then(({ store }) => store.close(), () => undefined);
    throw err;
  }
  const [{ renderKubeconfig, writeKubeconfig }, { readTokenFile }, { startApiServer }, { startNamespaceController }] = modules;
  const { store, description } = await opening;
  const joinToken = ensureJoinToken(options.dataDir, credentials.caCert);
  let api: ApiServer;
  try {
    api = await startApiServer({
      store, logger,
      tls: { cert: credentials.serverCert, key: credentials.serverKey, ca: credentials.caCert },
      tokens: readTokenFile(credentials.paths.tokensFile),
      bindAddress: options.bindAddress,
      port: options.port,
      defaultTolerationSeconds: options.defaultTolerationSeconds,
      kubeletClient: kubeletClientOf(credentials),
      join: joinService(credentials, joinToken.secret),
    });
  } catch (err) {
    await store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${options.port} on ${options.bindAddress} is already in use (is another skiff server running? choose another with --https-listen-port)`);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new Error(`cannot listen on ${options.bindAddress}: the address is not available on this machine`);
    }
    throw err;
  }
  await api.ready;
  const namespaces = startNamespaceController({ catalogue: api.catalogue, service: api.service, hub: api.hub, logger, clock: () => new Date() });
  const kubeconfig = renderKubeconfig({ server: api.url, caCert: credentials.caCert, clientCert: credentials.adminCert, clientKey: credentials.adminKey });
  const kubeconfigPath = join(options.dataDir, 'kubeconfig.yaml');
  await writeKubeconfig(kubeconfigPath, kubeconfig);
  if (options.writeKubeconfig) await writeKubeconfig(options.writeKubeconfig, kubeconfig);
  const components = await startApiClients(api, options, logger, credentials);
  logger.info({ token: joinToken.path }, `nodes join with: skiff agent --server ${api.url} --token-file ${joinToken.path} (or --token "$(cat ${joinToken.path})")`);
  logger.info({ url: api.url, datastore: description, kubeconfig: kubeconfigPath, startupMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6) }, `Skiff is running at ${api.url}; kubeconfig written to ${kubeconfigPath} (export KUBECONFIG=${kubeconfigPath})`);
  return {
    api,
    kubeconfigPath,
    async stop() {
      await components.stop();
      namespaces.stop();
      await api.stop();
      await store.close();
    },
  };
}

/**
 * The components of this process that are API clients like any other (controllers on
 * the client library, the scheduler, simulated nodes): they speak HTTP to this server
 * over in-memory connections (`connectLoopback`), as system:skiff-loopback.
 */
async function startApiClients(api: ApiServer, options: ClusterOptions, logger: Logger, credentials: ClusterCredentials): Promise<{ stop(): Promise<void> }> {
  const [{ Client }, { HttpsTransport }, manager, { resources }] = await Promise.all([
    import('../client/client.js'), import('../client/https.js'), import('../controllers/manager.js'), import('../client/resources.js'),
  ]);
  // In-memory connections to this process's API server (loopback): HTTP without TLS or sockets.
  const client = new Client(new HttpsTransport({ connect: () => api.connectLoopback(), userAgent: 'skiff-server' }));
  const ctx = manager.createControllerContext({ client, settings: { nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs, clusterCIDR: options.clusterCIDR }, onError: (component, err) => logger.warn({ err: String(err) }, component) });
  // k3s's default StorageClass, `local-path`, created when missing (never overwritten), while the controllers start.
  const defaultClass = import('../controllers/volume/default-class.js').then((m) => m.ensureDefaultStorageClass(client));
  defaultClass.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const controllers = await manager.startControllers(ctx, manager.selectControllers(options.controllers));
  await defaultClass;
  const scheduler = options.scheduler === false ? undefined : (await import('../scheduler/index.js')).startScheduler(ctx);
  const simulatedNodes = options.simulatedNodes ?? 0;
  let nodes: { stop(): Promise<void> } | undefined;
  if (simulatedNodes > 0) {
    const { startSimulatedNodes } = await import('../node/simulated/nodes.js');
    nodes = await startSimulatedNodes({
      client, count: simulatedNodes, podsInformer: ctx.informers.for(resources.pods),
      onError: (err) => logger.warn({ err: String(err) }, 'simulated nodes'),
    });
    logger.info({ nodes: simulatedNodes }, `${simulatedNodes} simulated node(s) registered`);
  }
  const agent = options.agent ? await startLocalAgent(client, options.dataDir, options.agent, credentials, logger) : undefined;
  return {
    async stop() {
      await agent?.stop();
      await nodes?.stop();
      await scheduler?.stop();
      await controllers.stop();
      client.close();
    },
  };
}

/**
 * The server's own node: an agent on the `process` runtime, labelled as the control plane
 * (as k3s labels its server nodes).
 */
async function startLocalAgent(client: Client, dataDir: string, { nodeName, keepPods }: { nodeName: string; keepPods?: boolean }, credentials: ClusterCredentials, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const { runNode } = await import('../node/run.js');
  const serving = credentials.issueServingCertificate({ commonName: nodeName, dnsNames: [nodeName, 'localhost'], ips: [LOCAL_NODE_IP] });
  return runNode({
    client, nodeName, dataDir: join(dataDir, 'agent'), address: LOCAL_NODE_IP, kubeletPort: 0,
    tls: { ...serving, ca: credentials.caCert },
    labels: { 'node-role.kubernetes.io/control-plane': 'true' },
    logger, keepPods,
  });
}

/** Pods of the process runtime share the host's network; the node's address stays on loopback (nothing routes off the machine). */
const LOCAL_NODE_IP = '127.0.0.1';

/** Credentials for nodes joining with the token (`skiff agent`): who they are, and their kubelet API's certificate. */
function joinService(credentials: ClusterCredentials, secret: string): JoinService {
  return {
    caCert: credentials.caCert,
    secret,
    issue(nodeName, addresses) {
      const client = credentials.issueClientCertificate({ commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] });
      const serving = credentials.issueServingCertificate({ commonName: nodeName, dnsNames: [nodeName], ips: addresses });
      return { caCert: credentials.caCert, clientCert: client.cert, clientKey: client.key, servingCert: serving.cert, servingKey: serving.key };
    },
  };
}

/** The API server's client certificate for kubelets (upstream's --kubelet-client-certificate), issued on first use. */
function kubeletClientOf(credentials: ClusterCredentials): () => { cert: string; key: string; ca: string } {
  let issued: { cert: string; key: string; ca: string } | undefined;
  return () => (issued ??= { ...credentials.issueClientCertificate({ commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] }), ca: credentials.caCert });
}
