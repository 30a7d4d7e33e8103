/**
 * `startApiServer`: the HTTPS API server over a Store. Authenticates, routes resource
 * requests to the catalogue-driven handlers and serves discovery, OpenAPI, health and
 * metrics. Returns `{ url, ready, stop }` like every Skiff component.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { builtinCatalogue, type Catalogue } from '../api/catalogue.js';
import { StatusError, Unauthorized } from '../api/errors.js';
import type { Store } from '../store/types.js';
import type { KObject } from '../api/types.js';
import { createAdminOnlyAuthorizer, createAuthenticator, type Authorizer, type UserInfo } from './auth/index.js';
import { toStatusError, writeJson, writeStatus } from './http.js';
import { requestInfo } from './request-info.js';
import { ObjectStorage } from './registry/storage.js';
import { ResourceService } from './registry/service.js';
import { WatchHub } from './watch/hub.js';
import { ApiMetrics } from './metrics.js';
import { handleResourceRequest } from './handlers/resource.js';
import { handleNonResource } from './handlers/nonresource.js';
import { createSchemaChecks, createPatchEngine, createFieldManager } from './registry/wiring.js';
import { decodeProtobufObject } from './protobuf/index.js';
import { toTable } from '../api/printers/index.js';
import { ensureSystemNamespaces } from './bootstrap.js';
import { OpenAPICache } from '../api/openapi/index.js';
import { startCompactor } from './compactor.js';
import { startCrdController } from './crd/controller.js';
import type { ApiContext, RequestScope } from './context.js';

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
  version?: { gitVersion: string };
}

export interface ApiServer {
  url: string;
  port: number;
  catalogue: Catalogue;
  service: ResourceService;
  hub: WatchHub;
  metrics: ApiMetrics;
  ready: Promise<void>;
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
  const service = new ResourceService({
    storage,
    checks: createSchemaChecks(catalogue),
    patcher: createPatchEngine(catalogue),
    fields: createFieldManager(catalogue),
    namespaceType,
  });
  const hub = new WatchHub({ store });
  await hub.start();
  const authenticator = createAuthenticator({ caCert: options.tls.ca, tokens: options.tokens });
  const authorizer = options.authorizer ?? createAdminOnlyAuthorizer();
  let signalClosing!: () => void;
  const closing = new Promise<void>((resolve) => { signalClosing = resolve; });
  const api: ApiContext = {
    catalogue, service, hub, authorizer, logger, metrics, clock,
    protobuf: decodeProtobufObject,
    toTable: (objects, printer, o) => toTable(objects, printer, o) as unknown as KObject,
    maxWatchSeconds: options.maxWatchSeconds ?? 3600,
    closing,
    discoveryCache: new Map(),
    openapi: new OpenAPICache({ serverVersion: (options.version ?? { gitVersion: 'v1.33.0+skiff' }).gitVersion }),
  };
  let ready = false;
  const version = options.version ?? { gitVersion: 'v1.33.0+skiff' };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'https://skiff.local');
    const scope: RequestScope = { req, res, url, user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, warnings: [] };
    const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    res.on('finish', () => metrics.observe(scope, info.verb, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
    try {
      const user = authenticator.authenticate(req);
      if (user) scope.user = user;
      if (!info.resourceRequest) {
        await handleNonResource(api, scope, info, { ready: () => ready, version, authenticated: user !== undefined });
        return;
      }
      if (!user) throw new Unauthorized();
      await handleResourceRequest(api, scope, info);
    } catch (err) {
      const status = toStatusError(err);
      if (!(err instanceof StatusError)) logger.error({ err, method: req.method, path: url.pathname }, 'request failed');
      if (res.headersSent) { res.end(); return; }
      writeStatus(res, status);
    }
  };

  const server: Server = createServer({
    key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca,
    requestCert: true, rejectUnauthorized: false,
    // Keep-alive connections from controllers and kubectl stay open between requests.
    keepAliveTimeout: 65_000,
  }, (req, res) => { void handle(req, res); });
  server.on('clientError', (_err, socket) => { socket.destroy(); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6443, options.bindAddress ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.bindAddress && options.bindAddress !== '0.0.0.0' && options.bindAddress !== '::' ? options.bindAddress : '127.0.0.1';
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let crds: { stop(): void } | undefined;
  const readyPromise = (async () => {
    await ensureSystemNamespaces(service, namespaceType, clock);
    crds = await startCrdController({ catalogue, service, hub, logger, clock });
    ready = true;
  })();
  const compactor = startCompactor({ store, logger, intervalMs: options.compactionIntervalMs ?? 5 * 60_000 });

  return {
    url, port, catalogue, service, hub, metrics,
    ready: readyPromise,
    async stop() {
      signalClosing();
      crds?.stop();
      compactor.stop();
      hub.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export { writeJson };
