/**
 * Periodic compaction, as kube-apiserver does against etcd: every interval, forget the
 * history older than the revision seen one interval ago. Watches that fall further
 * behind than that get 410 Expired and relist.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

export function startCompactor(options: { store: Store; logger: Logger; intervalMs: number }): { stop(): void } {
  let previous = 0;
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const current = await options.store.currentRevision();
      if (previous > 0 && previous > (await options.store.compactedRevision())) {
        await options.store.compact(previous);
        options.logger.debug({ component: 'compactor', revision: previous }, 'compacted');
      }
      previous = current;
    } catch (err) {
      options.logger.warn({ component: 'compactor', err }, 'compaction failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
