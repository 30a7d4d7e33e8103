/**
 * Time as components see it. Controllers, the scheduler, leader election and simulated
 * nodes take a Clock so tests step through minutes of modelled time without sleeping.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) => new Promise((resolve) => {
    if (signal.aborted) return resolve();
    // One signal may guard thousands of sleeps (a work queue's requeues): each removes its listener when done.
    const onAbort = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    timer.unref?.();
    signal.addEventListener('abort', onAbort, { once: true });
  }),
};
