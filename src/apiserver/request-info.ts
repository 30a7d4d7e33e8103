/**
 * Turns a request path into what the handler chain needs to know (like apiserver's
 * RequestInfoFactory): is it a resource request, which group/version/resource, which
 * namespace/name/subresource, and the Kubernetes verb.
 */
import { BadRequest } from '../api/errors.js';

export interface ResourceRequestInfo {
  resourceRequest: true;
  /** '' for the core group. */
  group: string;
  version: string;
  /** '' when the path names a group version only (discovery). */
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
  verb: string;
  /** Any path parts beyond the subresource (e.g. nodes/proxy/...). */
  rest: string[];
}

export interface NonResourceRequestInfo {
  resourceRequest: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

/** Subresources of a namespace itself: `/namespaces/{name}/status` is not a resource named "status" in it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * The path with percent-escapes decoded before it is split, as Go's URL.Path is (so an
 * encoded `/` separates segments there too). Malformed escapes are the client's mistake.
 */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    throw new BadRequest(`invalid URL escape in path ${JSON.stringify(pathname.length > 200 ? pathname.slice(0, 200) + '…' : pathname)}`);
  }
}

export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const nonResource = (): NonResourceRequestInfo => ({ resourceRequest: false, path: pathname, verb: (METHOD_VERBS[method] ?? method.toLowerCase()) });
  // As upstream's splitPath: outer slashes trimmed, inner empty segments kept (`//api` is not `/api`).
  const parts = decodePath(pathname).replace(/^\/+|\/+$/g, '').split('/');
  let i: number;
  let group: string;
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource(); // /api, /api/v1 are discovery
    group = '';
    i = 1;
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource(); // /apis, /apis/g, /apis/g/v
    group = parts[1];
    i = 2;
  } else {
    return nonResource();
  }
  const version = parts[i++];
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  let rest = parts.slice(i);
  // Deprecated `/watch/` path prefix.
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length === 2 || NAMESPACE_SUBRESOURCES.has(rest[2])) {
      // /namespaces/{name}[/status|/finalize] is the namespace object itself.
      namespace = '';
    } else {
      rest = rest.slice(2);
    }
  }
  const [resource = '', name = '', subresource = '', ...extra] = rest;
  if (method === 'GET' || method === 'HEAD') {
    if (watchPath || isTrue(query.get('watch'))) verb = 'watch';
    else if (!name) verb = 'list';
  } else if (method === 'DELETE' && !name) {
    verb = 'deletecollection';
  }
  return { resourceRequest: true, group, version, resource, namespace, name, subresource, verb, rest: extra };
}
