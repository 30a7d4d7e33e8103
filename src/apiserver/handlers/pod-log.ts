/**
 * GET `pods/{name}/log`: upstream's LogREST. The query is a PodLogOptions (decoded and
 * validated as ValidatePodLogOptions does), the container is named or the pod's only one;
 * a pod on no node yet has no log (204, as upstream's empty location); then the node's
 * kubelet API (`status.addresses` InternalIP and `status.daemonEndpoints.kubeletEndpoint.Port`)
 * is asked over HTTPS with the API server's kubelet client certificate, and its answer
 * streamed back as it arrives — `kubectl logs -f` follows through it. A kubelet refusal
 * (container waiting, no previous instance) reaches the client as the Status upstream's
 * GenericHttpResponseChecker makes of it.
 */
import { request } from 'node:https';
import { BadRequest, Invalid, StatusError } from '../../api/errors.js';
import type { FieldError, KObject, ResourceType } from '../../api/types.js';
import type { Pod } from '../../api/objects/index.js';
import { kubeletOf, nodeOfPod, pickContainer } from './kubelet.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiContext, RequestScope } from '../context.js';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The query as apimachinery decodes a PodLogOptions, then ValidatePodLogOptions; the kubelet's query in return. */
function validateOptions(q: URLSearchParams, name: string): { query: URLSearchParams; insecureSkipTLSVerifyBackend: boolean } {
  const int = (f: string): number | undefined => {
    const raw = q.get(f);
    if (raw === null) return undefined;
    if (!/^[+-]?\d+$/.test(raw)) throw new BadRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
    const v = Number(raw);
    if (!Number.isSafeInteger(v)) throw new BadRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
    return v;
  };
  // A present boolean is true unless it reads `0` or `false` (Convert_Slice_string_To_bool).
  const flag = (f: string) => {
    const raw = q.get(f);
    return raw !== null && raw !== '0' && raw.toLowerCase() !== 'false';
  };
  const sinceSeconds = int('sinceSeconds');
  const tailLines = int('tailLines');
  const limitBytes = int('limitBytes');
  const sinceTimeRaw = q.get('sinceTime') || null;
  let sinceTime: number | undefined;
  if (sinceTimeRaw !== null) {
    sinceTime = RFC3339.test(sinceTimeRaw) ? Date.parse(sinceTimeRaw) : NaN;
    if (Number.isNaN(sinceTime)) throw new BadRequest(`invalid value for sinceTime: ${JSON.stringify(sinceTimeRaw)}: must be an RFC3339 time`);
  }
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0) errs.push({ reason: 'FieldValueInvalid', field: 'tailLines', message: `Invalid value: ${tailLines}: must be greater than or equal to 0` });
  if (limitBytes !== undefined && limitBytes < 1) errs.push({ reason: 'FieldValueInvalid', field: 'limitBytes', message: `Invalid value: ${limitBytes}: must be greater than 0` });
  if (sinceSeconds !== undefined && sinceTime !== undefined) errs.push({ reason: 'FieldValueForbidden', field: '', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' });
  else if (sinceSeconds !== undefined && sinceSeconds < 1) errs.push({ reason: 'FieldValueInvalid', field: 'sinceSeconds', message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  if (errs.length) throw new Invalid('PodLogOptions', '', name, errs);

  // LogLocation's query, in its order; sinceTime goes on in whole seconds (time.RFC3339).
  const out = new URLSearchParams();
  for (const f of ['follow', 'previous', 'timestamps']) if (flag(f)) out.set(f, 'true');
  if (sinceSeconds !== undefined) out.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime !== undefined) out.set('sinceTime', `${new Date(sinceTime).toISOString().slice(0, 19)}Z`);
  if (tailLines !== undefined) out.set('tailLines', String(tailLines));
  if (limitBytes !== undefined) out.set('limitBytes', String(limitBytes));
  return { query: out, insecureSkipTLSVerifyBackend: flag('insecureSkipTLSVerifyBackend') };
}

/** What the kubelet's answer says, read as upstream's GenericHttpResponseChecker does (at most 50,000 bytes). */
const MAX_ERROR_BODY = 50_000;

/** Upstream's NewGenericServerResponse reasons and messages by status code. */
const GENERIC: Record<number, [reason: string, message: string]> = {
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** A kubelet refusal as the Status upstream makes of it: 400 and 500 keep the kubelet's words; others become generic. */
export function kubeletError(status: number, body: string, name: string): StatusError {
  if (status === 400) return new BadRequest(body);
  if (status === 500) return new StatusError(500, 'InternalError', `Internal error occurred: ${body}`, { causes: [{ message: body }] });
  let [reason, message] = GENERIC[status] ?? ['', `the server responded with the status code ${status} but did not return more information`];
  if (status === 403) [reason, message] = ['Forbidden', body];
  else if (!GENERIC[status] && status >= 500) [reason, message] = ['InternalError', `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding`];
  // The verb is empty in upstream's call, hence "( pods/log NAME)".
  return new StatusError(status, reason, `${message} ( pods/log ${name})`, { name, kind: 'pods/log' });
}

/** A failed dial as Go's HTTP client words it (upstream passes that error on as the Status message). */
function dialError(url: string, address: string, port: number, err: NodeJS.ErrnoException): StatusError {
  const why = err.code === 'ECONNREFUSED' ? `dial tcp ${address}:${port}: connect: connection refused` : err.message;
  return new StatusError(500, '', `Get ${JSON.stringify(url)}: ${why}`);
}

export async function handlePodLog(api: ApiContext, scope: RequestScope, podType: ResourceType, info: ResourceRequestInfo): Promise<void> {
  const q = scope.url.searchParams;
  const { query, insecureSkipTLSVerifyBackend } = validateOptions(q, info.name);
  const pod = (await api.service.storage.get(podType, info.namespace, info.name)) as KObject as Pod;
  const container = pickContainer(pod, q.get('container'));
  if (!pod.spec.nodeName) {
    // Upstream's LogLocation gives no location for a pod on no node: an empty answer, 204.
    scope.res.writeHead(204);
    scope.res.end();
    return;
  }
  const node = await nodeOfPod(api, pod);
  const { address, port, credentials } = kubeletOf(api, node, 'logs of its pods cannot be read');
  const search = query.toString();
  const path = `/containerLogs/${encodeURIComponent(info.namespace)}/${encodeURIComponent(info.name)}/${encodeURIComponent(container)}${search ? `?${search}` : ''}`;
  const url = `https://${address.includes(':') ? `[${address}]` : address}:${port}${path}`;
  await new Promise<void>((resolve, reject) => {
    const upstream = request({ host: address, port, path, method: 'GET', ...credentials, rejectUnauthorized: !insecureSkipTLSVerifyBackend }, (res) => {
      const status = res.statusCode ?? 502;
      if (status < 200 || status > 206) {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => reject(kubeletError(status, Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8'), info.name)));
        res.on('error', reject);
        return;
      }
      scope.res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      scope.res.flushHeaders();
      // Each piece goes out as it arrives (upstream flushes when following); a slow client slows the kubelet down.
      res.on('data', (c: Buffer) => {
        if (!scope.res.write(c)) {
          res.pause();
          scope.res.once('drain', () => res.resume());
        }
      });
      res.on('end', () => { scope.res.end(); resolve(); });
      res.on('error', () => { scope.res.destroy(); resolve(); });
      res.on('aborted', () => { scope.res.destroy(); resolve(); });
    });
    // The client went away (kubectl logs -f interrupted): stop asking the kubelet.
    scope.res.on('close', () => { upstream.destroy(); resolve(); });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (scope.res.headersSent) { scope.res.destroy(); resolve(); return; }
      reject(dialError(url, address, port, err));
    });
    upstream.end();
  });
}
