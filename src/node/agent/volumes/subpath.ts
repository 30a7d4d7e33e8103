/** subPathExpr, expanded as the kubelet does before the subPath is resolved (../../runtime/subpath.ts). */
import { SubPathError } from '../../runtime/subpath.js';
import { expand } from '../env.js';

/** subPathExpr with the container's variables (upstream ExpandContainerVolumeMounts: a missing or empty one is an error). */
export function expandSubPathExpr(expr: string, env: Map<string, string>): string {
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const value = env.get(name);
    if (!value) missing.add(name);
    return value ?? '';
  });
  if (missing.size) throw new SubPathError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}
