/**
 * Node descriptions on the command line, as kubectl writes them: `cpu=8,memory=32Gi`
 * for capacity, `zone=a,disk=ssd` for labels, `key=value:NoSchedule,key2:NoExecute` for
 * taints (kubectl taint's syntax).
 */
import { UsageError } from './main.js';
import type { Taint } from '../node/simulated/nodes.js';

export function parsePairs(flag: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid --${flag} "${item}": use key=value[,key=value…]`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function parseTaints(text: string): Taint[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((item) => {
    const m = /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(item);
    if (!m || !EFFECTS.includes(m[3]!)) throw new UsageError(`invalid --taints "${item}": use key[=value]:Effect with Effect one of ${EFFECTS.join(', ')}`);
    return { key: m[1]!, ...(m[2] ? { value: m[2] } : {}), effect: m[3] as Taint['effect'] };
  });
}
