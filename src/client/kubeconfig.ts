/**
 * Reads a kubeconfig (the file `skiff server` writes, or any clientcmd `Config` with
 * embedded or file-referenced credentials) into the options of an HTTPS transport, so a
 * component run on its own (`--kubeconfig PATH`) connects like kubectl would.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { HttpsTransportOptions } from './https.js';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
  clusters?: Array<{ name: string; cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>;
  users?: Array<{ name: string; user?: { 'client-certificate-data'?: string; 'client-key-data'?: string; 'client-certificate'?: string; 'client-key'?: string; token?: string; tokenFile?: string } }>;
}

export interface LoadedKubeconfig {
  transport: HttpsTransportOptions;
  /** The context's namespace, `default` when it names none. */
  namespace: string;
}

export async function loadKubeconfig(path: string, options: { context?: string } = {}): Promise<LoadedKubeconfig> {
  const text = readFileSync(path, 'utf8');
  const { parse } = await import('yaml');
  const config = parse(text) as KubeconfigFile | null;
  const problem = (why: string) => new Error(`kubeconfig ${path}: ${why}`);
  if (!config || typeof config !== 'object') throw problem('not a kubeconfig');
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw problem('no current-context, and no context was named');
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw problem(`context "${contextName}" not found`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster?.server) throw problem(`cluster "${context.cluster}" not found or without a server`);
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  // Paths inside a kubeconfig are relative to the file itself, as clientcmd resolves them.
  const file = (p: string) => readFileSync(isAbsolute(p) ? p : resolve(dirname(path), p), 'utf8');
  const data = (inline: string | undefined, ref: string | undefined): string | undefined =>
    inline !== undefined ? Buffer.from(inline, 'base64').toString('utf8') : ref !== undefined ? file(ref) : undefined;
  const ca = data(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (!ca) throw problem(`cluster "${context.cluster}" has no certificate authority (skiff verifies the server)`);
  return {
    transport: {
      server: cluster.server,
      ca,
      cert: data(user['client-certificate-data'], user['client-certificate']),
      key: data(user['client-key-data'], user['client-key']),
      token: user.token ?? (user.tokenFile ? file(user.tokenFile).trim() : undefined),
    },
    namespace: context.namespace ?? 'default',
  };
}
