/** The `process` runtime (runtime.ts): containers as host processes. */
import { join } from 'node:path';
import { openNamespaces } from './namespaces.js';
import { ProcessRuntime, type ProcessRuntimeOptions } from './runtime.js';

export { ProcessRuntime, type ProcessRuntimeOptions } from './runtime.js';
export { openCgroups } from './cgroups.js';
export { openNamespaces } from './namespaces.js';

/** A runtime for a node: pods get namespaces of their own when this host allows (root), unless `namespaces` says otherwise. */
export function createProcessRuntime(options: ProcessRuntimeOptions = {}): ProcessRuntime {
  const namespaces = options.namespaces ?? (options.stateDir ? openNamespaces(join(options.stateDir, 'namespaces')) : undefined);
  return new ProcessRuntime({ ...options, namespaces });
}
