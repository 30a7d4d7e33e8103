/** The `process` runtime (runtime.ts): containers as host processes. */
import { ProcessRuntime, type ProcessRuntimeOptions } from './runtime.js';

export { ProcessRuntime, type ProcessRuntimeOptions } from './runtime.js';
export { openCgroups } from './cgroups.js';

export function createProcessRuntime(options: ProcessRuntimeOptions = {}): ProcessRuntime {
  return new ProcessRuntime(options);
}
