/**
 * CronJob schedules as kube-controller-manager reads them: robfig/cron v3's
 * `ParseStandard` (five fields — minute, hour, day of month, month, day of week — with
 * ranges, steps, lists, month and weekday names; the descriptors @yearly/@annually,
 * @monthly, @weekly, @daily/@midnight, @hourly and `@every <duration>`; an optional
 * `TZ=`/`CRON_TZ=` prefix), its error messages (the API server shows them for an invalid
 * `spec.schedule`), and its `Next`, whose walk through wall-clock time decides what happens
 * across DST: a time a spring-forward skips does not fire that day; a time a fall-back
 * repeats fires at both occurrences.
 *
 * Without a zone, schedules are read in UTC (upstream reads them in the controller
 * manager's local zone, which is UTC in its usual container image).
 */
import { isKnownZone, wallClock, zonedTime, type Wall } from './zone.js';

export interface Schedule {
  /** The first activation strictly after `afterMs` (ms since the epoch); undefined if none within five years. */
  next(afterMs: number): number | undefined;
}

export class ScheduleError extends Error {}

interface Field {
  /** Whether each value (index) is selected. */
  values: boolean[];
  /** `*` or `?` without a step: makes day-of-month/day-of-week matching an AND. */
  star: boolean;
}

interface Bounds { min: number; max: number; names?: Record<string, number> }

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/**
 * Parses a schedule; `zone` (an IANA name, e.g. from `spec.timeZone`) applies unless the
 * schedule carries its own `TZ=` prefix. Throws ScheduleError with robfig/cron's message.
 */
export function parseSchedule(spec: string, zone = 'UTC'): Schedule {
  if (spec.length === 0) throw new ScheduleError('empty spec string');
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    if (space < 0 || !isKnownZone(name)) throw new ScheduleError(`provided bad location ${name}: unknown time zone ${name}`);
    zone = name;
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, zone);
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return new SpecSchedule(zone, {
    second: single(SECONDS, 0),
    minute: parseField(fields[0]!, MINUTES),
    hour: parseField(fields[1]!, HOURS),
    dom: parseField(fields[2]!, DOM),
    month: parseField(fields[3]!, MONTHS),
    dow: parseField(fields[4]!, DOW),
  });
}

function parseDescriptor(descriptor: string, zone: string): Schedule {
  const every = (b: Bounds): Field => ({ values: range(b.min, b.max, 1, b.max), star: true });
  const at = (b: Bounds, v: number) => single(b, v);
  const s0 = at(SECONDS, 0);
  const m0 = at(MINUTES, 0);
  const h0 = at(HOURS, 0);
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return new SpecSchedule(zone, { second: s0, minute: m0, hour: h0, dom: at(DOM, 1), month: at(MONTHS, 1), dow: every(DOW) });
    case '@monthly':
      return new SpecSchedule(zone, { second: s0, minute: m0, hour: h0, dom: at(DOM, 1), month: every(MONTHS), dow: every(DOW) });
    case '@weekly':
      return new SpecSchedule(zone, { second: s0, minute: m0, hour: h0, dom: every(DOM), month: every(MONTHS), dow: at(DOW, 0) });
    case '@daily':
    case '@midnight':
      return new SpecSchedule(zone, { second: s0, minute: m0, hour: h0, dom: every(DOM), month: every(MONTHS), dow: every(DOW) });
    case '@hourly':
      return new SpecSchedule(zone, { second: s0, minute: m0, hour: every(HOURS), dom: every(DOM), month: every(MONTHS), dow: every(DOW) });
  }
  if (descriptor.startsWith('@every ')) {
    const text = descriptor.slice('@every '.length);
    const ms = parseGoDuration(text);
    if (typeof ms === 'string') throw new ScheduleError(`failed to parse duration ${descriptor}: ${ms}`);
    return new ConstantDelaySchedule(ms);
  }
  throw new ScheduleError(`unrecognized descriptor: ${descriptor}`);
}

function single(b: Bounds, v: number): Field {
  return { values: range(v, v, 1, b.max), star: false };
}

function range(start: number, end: number, step: number, max: number): boolean[] {
  const values = new Array<boolean>(max + 1).fill(false);
  for (let i = start; i <= end; i += step) values[i] = true;
  return values;
}

/** A comma-separated list of `*`, `?`, `n`, `a-b`, each with an optional `/step`. */
function parseField(field: string, b: Bounds): Field {
  const out: Field = { values: new Array<boolean>(b.max + 1).fill(false), star: false };
  for (const expr of field.split(',').filter(Boolean)) {
    const parsed = parseRange(expr, b);
    parsed.values.forEach((on, i) => { if (on) out.values[i] = true; });
    out.star ||= parsed.star;
  }
  return out;
}

function parseRange(expr: string, b: Bounds): Field {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, b.names);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNumber(rangeAndStep[1]!);
    // "n/step" means "n-max/step".
    if (lowAndHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  return { values: range(start, end, step, b.max), star };
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseNumber(expr);
}

/** Go's strconv.Atoi, then the parser's refusal of negatives. */
function parseNumber(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = BigInt(expr);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  if (n < 0n) throw new ScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return Number(n);
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, '\u03bcs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration ("1h30m", "90s", "1.5h"), in ms, or its error message. */
function parseGoDuration(text: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(text)}`;
  let rest = text.replace(/^[+-]/, '');
  if (rest === '0') return 0;
  if (rest === '') return invalid;
  let total = 0;
  while (rest) {
    const number = /^(\d+(?:\.\d*)?|\.\d+)/.exec(rest);
    if (!number) return invalid;
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (!unit) return `time: missing unit in duration ${JSON.stringify(text)}`;
    const scale = GO_UNITS[unit];
    if (scale === undefined) return `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`;
    total += Number(number[1]) * scale;
    rest = rest.slice(unit.length);
  }
  return text.startsWith('-') ? -total : total;
}

interface Fields { second: Field; minute: Field; hour: Field; dom: Field; month: Field; dow: Field }

/** A crontab schedule, walked through wall-clock time the way robfig/cron's SpecSchedule.Next does. */
class SpecSchedule implements Schedule {
  constructor(private readonly zone: string, private readonly f: Fields) {}

  next(afterMs: number): number | undefined {
    const zone = this.zone;
    // The earliest candidate is the next whole second.
    let t = Math.floor(afterMs / 1000) * 1000 + 1000;
    let w = wallClock(t, zone);
    const yearLimit = w.year + 5;
    const set = (ms: number) => { t = ms; w = wallClock(t, zone); };
    // Once a field had to move, the smaller ones start from their lowest value.
    let added = false;
    wrap: for (;;) {
      if (w.year > yearLimit) return undefined;
      while (!this.f.month.values[w.month]) {
        if (!added) { added = true; set(zonedTime(zone, w.year, w.month, 1)); }
        set(zonedTime(zone, w.year, w.month + 1, w.day, w.hour, w.minute, w.second));
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w)) {
        if (!added) { added = true; set(zonedTime(zone, w.year, w.month, w.day)); }
        set(zonedTime(zone, w.year, w.month, w.day + 1, w.hour, w.minute, w.second));
        // Where DST moves midnight, land back on the day's first hour.
        if (w.hour !== 0) set(t + (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000);
        if (w.day === 1) continue wrap;
      }
      while (!this.f.hour.values[w.hour]) {
        if (!added) { added = true; set(zonedTime(zone, w.year, w.month, w.day, w.hour)); }
        set(t + 3_600_000);
        if (w.hour === 0) continue wrap;
      }
      while (!this.f.minute.values[w.minute]) {
        if (!added) { added = true; set(Math.floor(t / 60_000) * 60_000); }
        set(t + 60_000);
        if (w.minute === 0) continue wrap;
      }
      while (!this.f.second.values[w.second]) {
        if (!added) { added = true; set(Math.floor(t / 1000) * 1000); }
        set(t + 1000);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }

  /** Both day fields must match if either is `*`; otherwise either may (cron's OR rule). */
  private dayMatches(w: Wall): boolean {
    const dom = this.f.dom.values[w.day] === true;
    const dow = this.f.dow.values[w.weekday] === true;
    return this.f.dom.star || this.f.dow.star ? dom && dow : dom || dow;
  }
}

/** `@every <duration>`: a fixed interval (at least a second, whole seconds), zone-independent. */
class ConstantDelaySchedule implements Schedule {
  private readonly delayMs: number;

  constructor(ms: number) {
    const atLeastSecond = Math.max(ms, 1000);
    this.delayMs = atLeastSecond - (atLeastSecond % 1000);
  }

  next(afterMs: number): number {
    return afterMs - (afterMs % 1000) + this.delayMs;
  }
}
