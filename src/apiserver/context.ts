/**
 * What request handlers share: the catalogue, the write service, the watch hub, and the
 * edge's helpers. One instance per API server (no module-level state).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { KObject, ResourceType, TablePrinter } from '../api/types.js';
import type { Catalogue } from '../api/catalogue.js';
import type { ResourceService } from './registry/service.js';
import type { WatchHub } from './watch/hub.js';
import type { ProtobufDecoder } from './http.js';
import type { ApiMetrics } from './metrics.js';
import type { Authorizer, UserInfo } from './auth/index.js';
import type { OpenAPICache } from '../api/openapi/index.js';

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  now: Date;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface ApiContext {
  catalogue: Catalogue;
  service: ResourceService;
  hub: WatchHub;
  authorizer: Authorizer;
  logger: Logger;
  metrics: ApiMetrics;
  clock: () => Date;
  protobuf?: ProtobufDecoder;
  toTable(objects: KObject[], printer: TablePrinter | undefined, options: TableOptions): KObject;
  /** Upper bound of a watch without timeoutSeconds (upstream: random 30–60 min). */
  maxWatchSeconds: number;
  /** Resolves when the server shuts down; open watches end then. */
  closing: Promise<void>;
  /** Serialized discovery documents, per catalogue version. */
  discoveryCache: Map<string, { version: number; text: string }>;
  openapi: OpenAPICache;
  /** The client certificate (and the CA kubelets' serving certificates chain to) for reaching kubelets: pods/log. */
  kubeletClient?: () => { cert: string; key: string; ca: string };
}

export interface RequestScope {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  user: UserInfo;
  /** Warnings to send as `Warning` headers. */
  warnings: string[];
}

export function apiVersion(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}
