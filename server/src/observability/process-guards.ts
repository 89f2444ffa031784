/**
 * A promise that failed with nobody to handle it ends a Bun process by default, as it ends a Node one.
 * For a classroom server that is the wrong trade: one stray background failure — a refresh, a cache
 * write during a database outage — would drop every student on the node mid-question, and an embedded
 * server has no other node to take them. So the failure is logged at error level with its stack and
 * counted (`handsup_unhandled_rejections_total`; each one is a bug to fix), and the server goes on. An
 * uncaught *exception* still ends the process: it may have left a change half-made in memory.
 */
import type { Logger } from './logger.ts';
import { metrics } from './metrics.ts';

export const unhandledRejections = metrics.counter({
  name: 'handsup_unhandled_rejections_total',
  help: 'Promises that failed with nothing to handle the failure (each is a bug; the error log has its stack).',
});

/** Installs the handler for the process; returns its removal. */
export function guardUnhandledRejections(log: Logger): () => void {
  const onRejection = (reason: unknown) => {
    unhandledRejections.inc();
    const err = reason instanceof Error ? reason : new Error(String(reason));
    log.error('unhandled rejection (a bug; the server goes on)', { err, stack: err.stack });
  };
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('unhandledRejection', onRejection);
  };
}
