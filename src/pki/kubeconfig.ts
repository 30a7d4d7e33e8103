/** A kubeconfig (clientcmd `Config`, apiVersion v1) with credentials embedded as base64 data. */
import { stringify } from 'yaml';
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
  return stringify(config, { lineWidth: 0 });
}

/** Replaces `path` atomically with an owner-only file, creating missing parent directories. */
export async function writeKubeconfig(path: string, text: string): Promise<void> {
  await writePrivateFile(path, text, { createDirs: true });
}
