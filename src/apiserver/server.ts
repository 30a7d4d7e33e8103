/**
 * `startApiServer`: the HTTPS API server over a Store. Authenticates, routes resource
 * requests to the catalogue-driven handlers and serves discovery, OpenAPI, health and
 * metrics. Returns `{ url, ready, stop }` like every Skiff component.
 */
import { createServer, type Server } from 'node:https';
import { createServer as createPlainServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { builtinCatalogue, type Catalogue } from '../api/catalogue.js';
import { BadRequest, MethodNotAllowed, NotFound, StatusError, Unauthorized } from '../api/errors.js';
import type { Store } from '../store/types.js';
import type { KObject } from '../api/types.js';
import { createAdminOnlyAuthorizer, createAuthenticator, type Authorizer, type UserInfo } from './auth/index.js';
import { toStatusError, writeStatus } from './http.js';
import { requestInfo } from './request-info.js';
import { ObjectStorage } from './registry/storage.js';
import { ResourceService } from './registry/service.js';
import { NamespaceCache } from './registry/namespaces.js';
import { WatchHub } from './watch/hub.js';
import { ApiMetrics } from './metrics.js';
import { handleResourceRequest } from './handlers/resource.js';
import { handleNonResource } from './handlers/nonresource.js';
import { handleJoin, JOIN_PATH, type JoinService } from './handlers/join.js';
import { createSchemaChecks, createPatchEngine, createFieldManager } from './registry/wiring.js';
import { toTable } from '../api/printers/index.js';
import { ensureSystemNamespaces, ensureSystemPriorityClasses } from './bootstrap.js';
import { priorityAdmission } from './admission/priority.js';
import { proxyPodUpgrade } from './handlers/pod-stream.js';
import { runtimeClassAdmission } from './admission/runtimeclass.js';
import { defaultTolerationsAdmission, type DefaultTolerationOptions } from './admission/default-tolerations.js';
import { limitRangerAdmission } from './admission/limitranger.js';
import { resourceQuotaAdmission } from './admission/resourcequota.js';
import { defaultStorageClassAdmission } from './admission/default-storage-class.js';
import { KindCache } from './registry/kind-cache.js';
import { OpenAPICache } from '../api/openapi/index.js';
import { startCompactor } from './compactor.js';
import { startEventExpiry } from './event-ttl.js';
import { startCrdController } from './crd/controller.js';
import type { ApiContext, RequestScope } from './context.js';
import { loadYaml } from './yaml.js';
import { socketPair } from '../util/socket-pair.js';
import { trackConnections } from '../util/connections.js';

/** Who in-process components are: connections made by `connectLoopback` (k3s gives its own controllers admin rights the same way). */
const LOOPBACK_USER: UserInfo = { username: 'system:skiff-loopback', groups: ['system:masters', 'system:authenticated'] };

/** Go's http.DefaultMaxHeaderBytes: the request line and headers together. */
export const MAX_HEADER_BYTES = 1 << 20;

const HEALTH_PATH = /^\/(healthz|livez|readyz)(\/|$)/;

/**
 * The URL of a request — origin-form (`/path?query`) as sent, or absolute-form
 * (`https://host/path`), which HTTP/1.1 servers must accept too — and its path exactly as
 * the client wrote it. URL parsing resolves `.`/`..` segments; Go's server does not, so
 * `configmaps/..` names an object called "..", never the namespace above it.
 */
function requestTarget(raw: string): { url: URL; path: string } {
  const m = /^(?:https?:\/\/[^/?#]*)?(\/[^?#]*)/i.exec(raw);
  if (m) {
    try {
      return { url: new URL(`https://skiff.local${raw.slice(m[0].length - m[1].length)}`), path: m[1] };
    } catch {
      // fall through
    }
  }
  throw new BadRequest(`invalid request URI ${JSON.stringify(raw.length > 200 ? raw.slice(0, 200) + '…' : raw)}`);
}

/** The Status for a request Node's HTTP parser refused. */
function clientErrorStatus(err: NodeJS.ErrnoException): StatusError {
  if (err.code === 'HPE_HEADER_OVERFLOW') return new StatusError(431, 'RequestHeaderFieldsTooLarge', `request header fields too large: the request line and headers are limited to ${MAX_HEADER_BYTES} bytes`);
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new StatusError(408, 'Timeout', 'the client did not send a complete request in time');
  return new BadRequest(`malformed HTTP request: ${err.message.replace(/[\r\n]/g, ' ')}`);
}

/** A whole HTTP/1.1 response carrying `err` as a Status, for writing straight to a socket. */
function rawStatusResponse(err: StatusError): string {
  const body = JSON.stringify(err.toStatus());
  const reason = { 400: 'Bad Request', 405: 'Method Not Allowed', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[err.code as 400] ?? 'Error';
  return `HTTP/1.1 ${err.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n${body}`;
}

export interface ApiServerOptions {
  store: Store;
  logger: Logger;
  /** PEM material for TLS and client-certificate authentication. */
  tls: { cert: string; key: string; ca: string };
  /** Bearer tokens → users (the static token file). */
  tokens: Map<string, UserInfo>;
  bindAddress?: string;
  /** 0 picks a free port. */
  port?: number;
  clock?: () => Date;
  authorizer?: Authorizer;
  catalogue?: Catalogue;
  /** Upper bound for watches without timeoutSeconds (default 3600 s: upstream ends them in [30, 60] min). */
  maxWatchSeconds?: number;
  /** How often history is compacted (default 5 min, like kube-apiserver's etcd compaction interval). */
  compactionIntervalMs?: number;
  /** How long events live after their last change (kube-apiserver's --event-ttl; default 1 h). */
  eventTtlMs?: number;
  version?: { gitVersion: string };
  /** tolerationSeconds of the not-ready/unreachable tolerations new pods get (DefaultTolerationSeconds; 300 s each). */
  defaultTolerationSeconds?: DefaultTolerationOptions;
  /** Credentials for the kubelet API of nodes (pods/log); issued when first needed. */
  kubeletClient?: () => { cert: string; key: string; ca: string };
  /** Lets nodes join with the cluster's join token (`/skiff/v1/…`); absent: no joining. */
  join?: JoinService;
}

export interface ApiServer {
  url: string;
  port: number;
  catalogue: Catalogue;
  service: ResourceService;
  hub: WatchHub;
  metrics: ApiMetrics;
  ready: Promise<void>;
  /** Removes the events expired at `now` (default: the server's clock); it also runs on a timer. */
  expireEvents(now?: Date): Promise<number>;
  /**
   * A new in-memory connection to this server, for components in this process
   * (`LoopbackTransportOptions.connect`): plain HTTP without TLS or sockets,
   * authenticated as `system:skiff-loopback` (system:masters).
   */
  connectLoopback(): Duplex;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger;
  const metrics = new ApiMetrics();
  const store = metrics.instrument(options.store);
  const catalogue = options.catalogue ?? builtinCatalogue();
  const storage = new ObjectStorage(store);
  const namespaceType = catalogue.byResource('', 'v1', 'namespaces')!;
  const namespaces = new NamespaceCache();
  // Small kinds admission reads on every pod create, kept in memory from the watch hub.
  const admissionCaches = {
    priorityClasses: new KindCache(catalogue.byResource('scheduling.k8s.io', 'v1', 'priorityclasses')!, storage),
    limitRanges: new KindCache(catalogue.byResource('', 'v1', 'limitranges')!, storage),
    quotas: new KindCache(catalogue.byResource('', 'v1', 'resourcequotas')!, storage),
    storageClasses: new KindCache(catalogue.byResource('storage.k8s.io', 'v1', 'storageclasses')!, storage),
  };
  const service = new ResourceService({
    storage,
    checks: createSchemaChecks(catalogue),
    patcher: createPatchEngine(catalogue),
    fields: createFieldManager(catalogue),
    namespaceType,
    namespaces,
    admission: [
      priorityAdmission({ storage, catalogue, classes: admissionCaches.priorityClasses }),
      runtimeClassAdmission({ storage, catalogue }),
      defaultTolerationsAdmission(options.defaultTolerationSeconds),
      defaultStorageClassAdmission({ classes: admissionCaches.storageClasses }),
      limitRangerAdmission({ limitRanges: admissionCaches.limitRanges }),
      resourceQuotaAdmission({ quotas: admissionCaches.quotas, storage }),
    ],
  });
  const hub = new WatchHub({ store });
  await hub.start();
  await namespaces.start({ hub, storage, namespaceType });
  await Promise.all(Object.values(admissionCaches).map((c) => c.start(hub)));
  const authenticator = createAuthenticator({ caCert: options.tls.ca, tokens: options.tokens });
  const authorizer = options.authorizer ?? createAdminOnlyAuthorizer();
  let signalClosing!: () => void;
  const closing = new Promise<void>((resolve) => { signalClosing = resolve; });
  const version = options.version ?? { gitVersion: 'v1.33.0+skiff' };
  const api: ApiContext = {
    catalogue, service, hub, authorizer, logger, metrics, clock,
    // kubectl 1.32+ sends protobuf bodies for a few generators; its decoder loads on first use.
    protobuf: async (body) => (await import('./protobuf/index.js')).decodeProtobufObject(body),
    toTable: (objects, printer, o) => toTable(objects, printer, o) as unknown as KObject,
    maxWatchSeconds: options.maxWatchSeconds ?? 3600,
    closing,
    discoveryCache: new Map(),
    openapi: new OpenAPICache({ serverVersion: version.gitVersion }),
    kubeletClient: options.kubeletClient,
  };
  let ready = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const scope: RequestScope = { req, res, url: new URL('https://skiff.local/'), user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, warnings: [] };
    let verb = method.toLowerCase();
    res.on('finish', () => metrics.observe(scope, verb, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    try {
      // Everything that looks at what the client sent is inside the try: a bad request is a Status, never a crash.
      if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) throw new BadRequest('missing required Host header');
      const target = requestTarget(req.url ?? '/');
      scope.url = target.url;
      const info = requestInfo(method, target.path, scope.url.searchParams);
      verb = info.verb;
      // Answers are written synchronously; one that may be YAML needs the module loaded first.
      if (req.headers.accept?.includes('yaml')) await loadYaml();
      const user = loopbackSockets.has(req.socket) ? LOOPBACK_USER : authenticator.authenticate(req);
      if (user) scope.user = user;
      if (!info.resourceRequest && JOIN_PATH.test(info.path)) return await handleJoin(scope, info.path, options.join);
      if (!info.resourceRequest) {
        // Discovery, OpenAPI, version and metrics are read-only; health checks answer any method, as upstream's do.
        if (method !== 'GET' && method !== 'HEAD' && !HEALTH_PATH.test(info.path)) {
          throw new MethodNotAllowed('the server does not allow this method on the requested resource');
        }
        await handleNonResource(api, scope, info, { ready: () => ready, version, authenticated: user !== undefined });
        return;
      }
      if (!user) throw new Unauthorized();
      await handleResourceRequest(api, scope, info);
    } catch (err) {
      const status = toStatusError(err);
      if (!(err instanceof StatusError)) logger.error({ err, method, path: scope.url.pathname }, 'request failed');
      if (res.headersSent) { res.end(); return; }
      // A body not read to its end (refused as too large, or before it was read) is not drained:
      // the connection closes after the answer, as Go's server does past its small discard limit.
      if (!req.complete) res.setHeader('Connection', 'close');
      writeStatus(res, status);
    }
  };

  const serverOptions = {
    // Keep-alive connections from controllers and kubectl stay open between requests.
    keepAliveTimeout: 65_000,
    // Go's http.DefaultMaxHeaderBytes, which kube-apiserver keeps: long selectors in URLs work.
    maxHeaderSize: MAX_HEADER_BYTES,
    // Node would answer a missing Host with a bare 400 of its own; the handler answers it with a Status.
    requireHostHeader: false,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      // Only a bug in the error path itself gets here; never let it take the process down.
      logger.error({ err }, 'request handler failed');
      if (!res.headersSent) writeStatus(res, toStatusError(err));
      else res.destroy();
    });
  };
  // Upgrades (kubectl exec, attach, port-forward over SPDY or WebSocket) are checked like requests, then joined to the kubelet.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    void (async () => {
      const target = requestTarget(req.url ?? '/');
      const info = requestInfo(req.method ?? 'GET', target.path, target.url.searchParams);
      const user = loopbackSockets.has(socket) ? LOOPBACK_USER : authenticator.authenticate(req);
      if (!user) throw new Unauthorized();
      if (!info.resourceRequest) throw new NotFound('', '', target.path);
      await proxyPodUpgrade(api, req, socket, head, info, target.url, user);
    })().catch((err: unknown) => {
      const status = toStatusError(err);
      if (!(err instanceof StatusError)) logger.error({ err, path: req.url }, 'upgrade failed');
      if (socket.writable) socket.end(rawStatusResponse(status));
    });
  };
  // In-process components' connections: never listening anywhere, fed by connectLoopback.
  const loopbackServer = createPlainServer(serverOptions, onRequest);
  const loopbackSockets = new Set<Duplex>();
  const server: Server = createServer({
    key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca,
    requestCert: true, rejectUnauthorized: false,
    ...serverOptions,
  }, onRequest);
  server.on('upgrade', onUpgrade);
  // Every accepted connection, from before its TLS handshake: stop() ends them all.
  const accepted = trackConnections(server);
  loopbackServer.on('upgrade', onUpgrade);
  // Requests Node's parser refuses (bad method, header overflow, malformed framing) get a Status too.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this socket (its body broke mid-read) cannot be followed by another.
    const responding = (socket as Duplex & { _httpMessage?: unknown })._httpMessage != null;
    if (err.code === 'ECONNRESET' || !socket.writable || responding) {
      socket.destroy();
      return;
    }
    socket.end(rawStatusResponse(clientErrorStatus(err)));
  });
  server.on('tlsClientError', () => { /* a failed handshake only concerns that connection */ });
  // CONNECT is not a proxy request here; Node hands it over raw, so answer it as Go's server would route it: 405.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(rawStatusResponse(new MethodNotAllowed('the server does not allow this method on the requested resource')));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6443, options.bindAddress ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.bindAddress && options.bindAddress !== '0.0.0.0' && options.bindAddress !== '::' ? options.bindAddress : '127.0.0.1';
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let crds: { stop(): void } | undefined;
  const readyPromise = (async () => {
    await Promise.all([
      ensureSystemNamespaces(service, namespaceType, clock),
      ensureSystemPriorityClasses(service, catalogue.byResource('scheduling.k8s.io', 'v1', 'priorityclasses')!, clock),
    ]);
    crds = await startCrdController({ catalogue, service, hub, logger, clock });
    ready = true;
  })();
  const compactor = startCompactor({ store, logger, intervalMs: options.compactionIntervalMs ?? 5 * 60_000 });
  const eventTtlMs = options.eventTtlMs ?? 60 * 60_000;
  const eventExpiry = startEventExpiry({ storage, events: catalogue.byResource('', 'v1', 'events')!, ttlMs: eventTtlMs, intervalMs: Math.min(eventTtlMs / 4, 5 * 60_000), clock, logger });

  return {
    url, port, catalogue, service, hub, metrics,
    ready: readyPromise,
    expireEvents: (now) => eventExpiry.sweep(now),
    connectLoopback() {
      const [client, serverSide] = socketPair();
      loopbackSockets.add(serverSide);
      serverSide.once('close', () => loopbackSockets.delete(serverSide));
      loopbackServer.emit('connection', serverSide);
      return client;
    },
    async stop() {
      signalClosing();
      crds?.stop();
      namespaces.stop();
      for (const c of Object.values(admissionCaches)) c.stop();
      compactor.stop();
      eventExpiry.stop();
      hub.stop();
      for (const socket of loopbackSockets) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        accepted.destroyAll();
      });
    },
  };
}

