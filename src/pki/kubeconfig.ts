/**
 * A kubeconfig (clientcmd `Config`, apiVersion v1) with credentials embedded as base64 data.
 * Written by a small emitter of our own rather than the yaml package: the server writes
 * one at every start, and loading yaml would cost start-up more than this file's size.
 */
import { writePrivateFile } from './files.js';

export interface KubeconfigOptions {
  /** e.g. `https://127.0.0.1:6443` */
  server: string;
  caCert: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
  clusterName?: string;
  user?: string;
  context?: string;
  /** Namespace of the context; kubectl defaults to `default` when absent. */
  namespace?: string;
}

const base64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

export function renderKubeconfig(options: KubeconfigOptions): string {
  const { clusterName = 'skiff', user = 'admin', context = 'skiff' } = options;
  if ((options.clientCert === undefined) !== (options.clientKey === undefined)) {
    throw new Error('a kubeconfig needs both clientCert and clientKey, or neither');
  }
  const credentials: Record<string, string> = {};
  if (options.clientCert !== undefined && options.clientKey !== undefined) {
    credentials['client-certificate-data'] = base64(options.clientCert);
    credentials['client-key-data'] = base64(options.clientKey);
  }
  if (options.token !== undefined) credentials.token = options.token;
  // Key order follows `kubectl config view`, so the file diffs cleanly against kubectl's own edits.
  const config = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': base64(options.caCert), server: options.server }, name: clusterName }],
    contexts: [{ context: { cluster: clusterName, ...(options.namespace ? { namespace: options.namespace } : {}), user }, name: context }],
    'current-context': context,
    kind: 'Config',
    preferences: {},
    users: [{ name: user, user: credentials }],
  };
  return emitYaml(config, '');
}

/** Replaces `path` atomically with an owner-only file, creating missing parent directories. */
export async function writeKubeconfig(path: string, text: string): Promise<void> {
  await writePrivateFile(path, text, { createDirs: true });
}

type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

/** Block-style YAML for maps, lists and strings, in insertion order (what `kubectl config view` prints). */
function emitYaml(value: YamlValue, indent: string): string {
  let out = '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    for (const item of value) {
      const body = emitYaml(item, indent + '  ');
      out += `${indent}- ${typeof item === 'object' && !isEmpty(item) ? body.slice(indent.length + 2) : body}`;
    }
    return out;
  }
  if (typeof value === 'object') {
    if (isEmpty(value)) return '{}\n';
    for (const [key, item] of Object.entries(value)) {
      out += typeof item === 'object' && !isEmpty(item) ? `${indent}${scalar(key)}:\n${emitYaml(item, Array.isArray(item) ? indent : indent + '  ')}` : `${indent}${scalar(key)}: ${emitYaml(item, indent)}`;
    }
    return out;
  }
  return `${scalar(value)}\n`;
}

function isEmpty(value: YamlValue): boolean {
  return Array.isArray(value) ? value.length === 0 : typeof value === 'object' && Object.keys(value).length === 0;
}

/** Plain when YAML would read the text back as the same string; otherwise double-quoted (JSON's escapes are YAML's). */
function scalar(text: string): string {
  const plain = /^[A-Za-z0-9_/.][A-Za-z0-9_/.+=:@-]*$/.test(text) && !/^(true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9._]+(e[-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+|[-+]?\.(inf|nan))$/i.test(text);
  return plain ? text : JSON.stringify(text);
}
