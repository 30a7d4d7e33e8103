/**
 * Cron schedules as robfig/cron's ParseStandard reads them and its Next walks them,
 * including what happens on DST nights in America/New_York and Europe/Berlin. Pure
 * functions: no cluster.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../util/cron/schedule.js';
import { mostRecentScheduleTime, nextScheduleDelay } from './times.js';
import { formatRfc3339, zonedTime } from '../../util/cron/zone.js';
import type { CronJob } from '../../api/objects/index.js';

/** The next `n` fire times after `from`, as ISO strings (UTC). */
function fires(spec: string, from: string, n: number, zone?: string): string[] {
  const schedule = parseSchedule(spec, zone);
  const out: string[] = [];
  let t = Date.parse(from);
  for (let i = 0; i < n; i++) {
    const next = schedule.next(t);
    if (next === undefined) break;
    out.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    t = next;
  }
  return out;
}

describe('cron schedule parsing and next times', () => {
  it('steps, ranges and lists', () => {
    assert.deepEqual(fires('*/15 * * * *', '2026-01-01T00:07:30Z', 4), ['2026-01-01T00:15:00Z', '2026-01-01T00:30:00Z', '2026-01-01T00:45:00Z', '2026-01-01T01:00:00Z']);
    assert.deepEqual(fires('5-20/5 3 * * *', '2026-01-01T00:00:00Z', 5), ['2026-01-01T03:05:00Z', '2026-01-01T03:10:00Z', '2026-01-01T03:15:00Z', '2026-01-01T03:20:00Z', '2026-01-02T03:05:00Z']);
    assert.deepEqual(fires('0 8,12,18 * * *', '2026-01-01T09:00:00Z', 3), ['2026-01-01T12:00:00Z', '2026-01-01T18:00:00Z', '2026-01-02T08:00:00Z']);
    // "n/step" runs from n to the top of the range.
    assert.deepEqual(fires('50/5 * * * *', '2026-01-01T00:00:00Z', 3), ['2026-01-01T00:50:00Z', '2026-01-01T00:55:00Z', '2026-01-01T01:50:00Z']);
    // A fire time is strictly after the given time.
    assert.deepEqual(fires('0 * * * *', '2026-01-01T01:00:00Z', 1), ['2026-01-01T02:00:00Z']);
    assert.deepEqual(fires('* * * * *', '2026-01-01T00:00:59.999Z', 1), ['2026-01-01T00:01:00Z']);
  });

  it('month and weekday names, any case, and ?', () => {
    // 2026-01-02 is a Friday.
    assert.deepEqual(fires('0 9 * * MON-FRI', '2026-01-02T10:00:00Z', 3), ['2026-01-05T09:00:00Z', '2026-01-06T09:00:00Z', '2026-01-07T09:00:00Z']);
    assert.deepEqual(fires('0 0 1 jan,Jul ?', '2026-02-01T00:00:00Z', 2), ['2026-07-01T00:00:00Z', '2027-01-01T00:00:00Z']);
    assert.deepEqual(fires('30 6 * * sun', '2026-01-01T00:00:00Z', 2), ['2026-01-04T06:30:00Z', '2026-01-11T06:30:00Z']);
  });

  it('day of month and day of week: either matches unless one is *', () => {
    // The 1st, the 15th, and every Monday of January 2026.
    assert.deepEqual(fires('0 0 1,15 * 1', '2026-01-01T00:00:00Z', 5), ['2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z', '2026-01-15T00:00:00Z', '2026-01-19T00:00:00Z', '2026-01-26T00:00:00Z']);
    // With a * day of week only the 13th counts; */2 is not a star, so the OR rule applies again.
    assert.deepEqual(fires('0 0 13 * *', '2026-01-01T00:00:00Z', 2), ['2026-01-13T00:00:00Z', '2026-02-13T00:00:00Z']);
    // Sundays, Tuesdays, Thursdays and Saturdays, or the 13th (2026-01-01 itself is not after the start).
    assert.deepEqual(fires('0 0 13 * */2', '2026-01-01T00:00:00Z', 3), ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-06T00:00:00Z']);
  });

  it('descriptors', () => {
    const from = '2026-01-15T10:20:00Z';
    assert.deepEqual(fires('@hourly', from, 2), ['2026-01-15T11:00:00Z', '2026-01-15T12:00:00Z']);
    assert.deepEqual(fires('@daily', from, 1), ['2026-01-16T00:00:00Z']);
    assert.deepEqual(fires('@midnight', from, 1), ['2026-01-16T00:00:00Z']);
    // 2026-01-18 is a Sunday.
    assert.deepEqual(fires('@weekly', from, 1), ['2026-01-18T00:00:00Z']);
    assert.deepEqual(fires('@monthly', from, 2), ['2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z']);
    assert.deepEqual(fires('@yearly', from, 1), ['2027-01-01T00:00:00Z']);
    assert.deepEqual(fires('@annually', from, 1), ['2027-01-01T00:00:00Z']);
    // @every (robfig/cron accepts it, so the API server does): a fixed interval from the last time, on whole seconds.
    assert.deepEqual(fires('@every 1h30m', '2026-01-01T00:00:00.500Z', 2), ['2026-01-01T01:30:00Z', '2026-01-01T03:00:00Z']);
    assert.deepEqual(fires('@every 10ms', '2026-01-01T00:00:00Z', 1), ['2026-01-01T00:00:01Z']);
  });

  it('leap days, and dates that never come', () => {
    assert.deepEqual(fires('0 0 29 2 *', '2026-03-01T00:00:00Z', 2), ['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
    assert.deepEqual(fires('0 0 31 2 *', '2026-01-01T00:00:00Z', 1), []);
    assert.deepEqual(fires('0 0 31 * *', '2026-01-31T01:00:00Z', 2), ['2026-03-31T00:00:00Z', '2026-05-31T00:00:00Z']);
  });

  it('refuses what robfig/cron refuses, with its messages', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty spec string'],
      ['error', 'expected exactly 5 fields, found 1: [error]'],
      ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
      ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
      ['60 * * * *', 'end of range (60) above maximum (59): 60'],
      ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
      ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['* * * 13 *', 'end of range (13) above maximum (12): 13'],
      ['* * * * 7', 'end of range (7) above maximum (6): 7'],
      ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['1/2/3 * * * *', 'too many slashes: 1/2/3'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['* * * FOO *', 'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax'],
      ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
      ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
      ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
      ['TZ=Mars/Olympus 0 * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ];
    for (const [spec, message] of cases) assert.throws(() => parseSchedule(spec), { message }, spec);
  });

  it('a TZ= prefix sets the zone', () => {
    assert.deepEqual(fires('TZ=America/New_York 0 9 * * *', '2026-01-01T00:00:00Z', 1), ['2026-01-01T14:00:00Z']);
    // 09:00 in Tokyo is midnight UTC; the start itself is not after the start.
    assert.deepEqual(fires('CRON_TZ=Asia/Tokyo 0 9 * * *', '2026-01-01T00:00:00Z', 1), ['2026-01-02T00:00:00Z']);
  });

  it('zones with half-hour offsets', () => {
    // Asia/Kolkata is UTC+05:30: local 09:00 is 03:30 UTC.
    assert.deepEqual(fires('0 9 * * *', '2026-01-01T00:00:00Z', 2, 'Asia/Kolkata'), ['2026-01-01T03:30:00Z', '2026-01-02T03:30:00Z']);
  });

  it('America/New_York: a time skipped in spring does not fire that day; one repeated in autumn fires twice', () => {
    // 2026-03-08 02:00 EST jumps to 03:00 EDT: there is no 02:30 that day.
    assert.deepEqual(fires('30 2 * * *', '2026-03-07T12:00:00Z', 3, 'America/New_York'), ['2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z', '2026-03-11T06:30:00Z']);
    // 03:30 exists on both sides of the change: 08:30 UTC in EST, 07:30 UTC in EDT.
    assert.deepEqual(fires('30 3 * * *', '2026-03-07T00:00:00Z', 2, 'America/New_York'), ['2026-03-07T08:30:00Z', '2026-03-08T07:30:00Z']);
    // 2026-11-01 02:00 EDT falls back to 01:00 EST: 01:30 comes twice, and fires both times.
    assert.deepEqual(fires('30 1 * * *', '2026-10-31T12:00:00Z', 3, 'America/New_York'), ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T06:30:00Z']);
    // Hourly across the spring change: 01:00 EST, then 03:00 EDT an hour later.
    assert.deepEqual(fires('0 * * * *', '2026-03-08T05:30:00Z', 3, 'America/New_York'), ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z']);
    // Daily at midnight keeps local midnight through both changes.
    assert.deepEqual(fires('0 0 * * *', '2026-03-07T12:00:00Z', 2, 'America/New_York'), ['2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z']);
  });

  it('Europe/Berlin: the same rules at its own changes', () => {
    // 2026-03-29 02:00 CET jumps to 03:00 CEST.
    assert.deepEqual(fires('30 2 * * *', '2026-03-28T12:00:00Z', 2, 'Europe/Berlin'), ['2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z']);
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 fires in CEST and again in CET.
    assert.deepEqual(fires('30 2 * * *', '2026-10-24T12:00:00Z', 3, 'Europe/Berlin'), ['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-26T01:30:00Z']);
    assert.deepEqual(fires('0 12 * * *', '2026-03-28T12:00:00Z', 2, 'Europe/Berlin'), ['2026-03-29T10:00:00Z', '2026-03-30T10:00:00Z']);
  });

  it('local times resolve across DST as Go resolves them, and print as RFC 3339 in their zone', () => {
    assert.equal(new Date(zonedTime('America/New_York', 2026, 3, 8, 2, 30)).toISOString(), '2026-03-08T06:30:00.000Z');
    assert.equal(new Date(zonedTime('America/New_York', 2026, 11, 1, 1, 30)).toISOString(), '2026-11-01T05:30:00.000Z');
    assert.equal(new Date(zonedTime('Europe/Berlin', 2026, 3, 29, 2, 30)).toISOString(), '2026-03-29T01:30:00.000Z');
    assert.equal(new Date(zonedTime('UTC', 2026, 13, 0)).toISOString(), '2026-12-31T00:00:00.000Z');
    assert.equal(formatRfc3339(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York'), '2026-07-01T08:00:00-04:00');
    assert.equal(formatRfc3339(Date.parse('2026-07-01T12:00:00Z'), 'Asia/Kolkata'), '2026-07-01T17:30:00+05:30');
    assert.equal(formatRfc3339(Date.parse('2026-01-01T12:00:00Z'), 'Europe/London'), '2026-01-01T12:00:00Z');
  });
});

describe('missed schedule times', () => {
  const cronJob = (created: string, extra: Partial<CronJob['spec']> = {}, lastScheduleTime?: string): CronJob => ({
    metadata: { name: 'cj', namespace: 'default', creationTimestamp: created },
    spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...extra },
    status: lastScheduleTime ? { lastScheduleTime } : {},
  });
  const every = parseSchedule('*/5 * * * *');

  it('nothing due before the first time; the latest due time after it', () => {
    const cj = cronJob('2026-01-01T00:01:00Z');
    assert.equal(mostRecentScheduleTime(cj, Date.parse('2026-01-01T00:04:00Z'), every, true).mostRecentMs, undefined);
    const one = mostRecentScheduleTime(cj, Date.parse('2026-01-01T00:06:00Z'), every, true);
    assert.equal(new Date(one.mostRecentMs!).toISOString(), '2026-01-01T00:05:00.000Z');
    assert.equal(one.missed, 'none');
    const several = mostRecentScheduleTime(cj, Date.parse('2026-01-01T00:27:00Z'), every, true);
    assert.equal(new Date(several.mostRecentMs!).toISOString(), '2026-01-01T00:25:00.000Z');
    assert.equal(several.missed, 'few');
  });

  it('more than 100 missed times are "many"; a starting deadline looks back only that far', () => {
    const cj = cronJob('2026-01-01T00:00:00Z');
    const now = Date.parse('2026-01-02T00:02:00Z');
    const late = mostRecentScheduleTime(cj, now, every, true);
    assert.equal(late.missed, 'many');
    assert.equal(new Date(late.mostRecentMs!).toISOString(), '2026-01-02T00:00:00.000Z');
    const bounded = mostRecentScheduleTime(cronJob('2026-01-01T00:00:00Z', { startingDeadlineSeconds: 200 }), now, every, true);
    assert.equal(bounded.missed, 'none');
    assert.equal(new Date(bounded.mostRecentMs!).toISOString(), '2026-01-02T00:00:00.000Z');
  });

  it('the next look is just after the next time', () => {
    const cj = cronJob('2026-01-01T00:00:00Z', {}, '2026-01-01T00:05:00Z');
    assert.equal(nextScheduleDelay(cj, Date.parse('2026-01-01T00:06:00Z'), every), 4 * 60_000 + 100);
    assert.equal(nextScheduleDelay(cj, Date.parse('2026-01-01T00:05:00Z'), every), 5 * 60_000 + 100);
  });
});
