/** Flag values the way Kubernetes components take them: Go durations (`40s`, `1m30s`, `500ms`) and whole seconds. */
import { UsageError } from './main.js';

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of a Go duration such as `40s`, `5m` or `1h30m`; a usage error naming `flag` otherwise. */
export function parseDurationFlag(flag: string, text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) {
    throw new UsageError(`invalid --${flag} "${text}": use a duration such as 40s, 5m or 1m30s`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

export function parseSecondsFlag(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid --${flag} "${text}": must be a whole number of seconds`);
  return Number(text);
}
