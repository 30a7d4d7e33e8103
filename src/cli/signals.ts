/** How every long-running command ends: SIGINT or SIGTERM stops its components, then the process exits 0. */
import type { Logger } from 'pino';

export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
