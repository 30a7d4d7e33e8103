/**
 * Clock-timed re-syncs without piling up timers: a key already due to be looked at no
 * later than asked is not scheduled again (that earlier look schedules the later one).
 */
import type { Clock } from '../../client/clock.js';
import type { WorkQueue } from '../../client/workqueue.js';

export function wakeups(queue: () => WorkQueue, clock: Clock): (key: string, ms: number) => void {
  const due = new Map<string, number>();
  return (key, ms) => {
    const now = clock.now().getTime();
    const at = now + ms;
    const pending = due.get(key);
    if (pending !== undefined && pending > now && pending <= at) return;
    // Past wake-ups are only kept until the map grows: they no longer hold anything back.
    if (due.size >= 1024) for (const [k, t] of due) if (t <= now) due.delete(k);
    due.set(key, at);
    queue().addAfter(key, ms);
  };
}
