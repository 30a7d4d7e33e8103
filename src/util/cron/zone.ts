/**
 * Wall-clock time in an IANA time zone, through `Intl` (the zone database Node ships),
 * with the two operations the cron schedule needs from Go's `time` package:
 *
 * - `wallClock(ms, zone)`: the calendar fields of an instant in the zone (`t.In(loc)`);
 * - `zonedTime(zone, y, mo, d, h, mi, s)`: the instant of a local time (`time.Date`),
 *   fields normalised the way Go does (month 13 is January next year, day 0 the last of
 *   the previous month) and, for local times a DST change skips or repeats, the offset
 *   chosen as Go chooses it, so fire times across DST match kube-controller-manager's.
 */

export interface Wall {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

const isUtc = (zone: string): boolean => zone === 'UTC' || zone === 'Etc/UTC';

/** Whether `zone` names a time zone the runtime knows (Go's LoadLocation succeeding). */
export function isKnownZone(zone: string): boolean {
  if (!zone || zone.toLowerCase() === 'local') return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's offset from UTC at an instant, in ms (local = UTC + offset). Offsets are
 * looked up once per 15 minutes of UTC time: zones change offset only at whole quarter
 * hours (their offsets are multiples of 15 minutes and changes happen on local hours or
 * half hours), so a schedule scanning minute by minute costs one `Intl` call per bucket.
 */
export function offsetAt(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  let cache = offsets.get(zone);
  if (!cache) offsets.set(zone, (cache = new Map()));
  const bucket = Math.floor(ms / BUCKET_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    if (cache.size >= 50_000) cache.clear();
    offset = intlOffset(bucket * BUCKET_MS, zone);
    cache.set(bucket, offset);
  }
  return offset;
}

const BUCKET_MS = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

function intlOffset(ms: number, zone: string): number {
  const f: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) if (part.type !== 'literal' && part.type !== 'weekday') f[part.type] = Number(part.value);
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - Math.floor(ms / 1000) * 1000;
}

export function wallClock(ms: number, zone: string): Wall {
  const d = new Date(ms + offsetAt(ms, zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
}

/**
 * The instant of a local time in `zone` (Go's time.Date). Go first takes the offset in
 * force at the local time read as UTC; if the instant that gives lies in another zone
 * period, it takes that period's offset instead. So a skipped local time (02:30 on a
 * spring-forward night in New York) lands an hour early (01:30 EST), and a repeated one
 * (01:30 on the fall-back night) is its first occurrence.
 */
export function zonedTime(zone: string, year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (isUtc(zone)) return local;
  return local - offsetAt(local - offsetAt(local, zone), zone);
}

/** RFC 3339 in the zone, as Go's `t.In(loc).Format(time.RFC3339)` (`Z` when the offset is 0). */
export function formatRfc3339(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  const offsetMin = Math.round(offsetAt(ms, zone) / 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  if (offsetMin === 0) return `${base}Z`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${base}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
