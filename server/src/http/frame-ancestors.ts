/**
 * Who may frame Handsup: the configured FRAME_ANCESTORS plus the origins of every registered,
 * not-disabled LTI platform (issuer and authorization URL — an LMS may serve its pages from either).
 * Read on every response, so it is a cached list: refreshed from the database at most every
 * `refreshMs` (in the background; a response never waits) and at once after a platform change on
 * this node (`invalidate()`); other nodes catch up within `refreshMs`.
 */
import type { Logger } from '../observability/logger.ts';
import type { Database } from '../storage/database.ts';

export interface FrameAncestors {
  /** The current list (never blocks). */
  current(): string[];
  /** Reload now; resolves when the list is fresh. */
  refresh(): Promise<void>;
  /** Mark the list stale: the next `current()` starts a reload. */
  invalidate(): void;
}

export const originOf = (url: string): string | null => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
};

export function createFrameAncestors(opts: {
  configured: string[];
  database: Pick<Database, 'query'>;
  log: Logger;
  now?: () => number;
  refreshMs?: number;
}): FrameAncestors {
  const now = opts.now ?? Date.now;
  const refreshMs = opts.refreshMs ?? 60_000;
  const configured = opts.configured.map(originOf).filter((o): o is string => o !== null);
  let list = [...new Set(configured)];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | null = null;

  const refresh = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const rows = await opts.database.query<{ issuer: string; auth_url: string }>(
          "SELECT issuer, auth_url FROM lti_platforms WHERE status <> 'disabled'",
        );
        const platforms = rows.flatMap((r) => [originOf(r.issuer), originOf(r.auth_url)]);
        list = [...new Set([...configured, ...platforms.filter((o): o is string => o !== null)])];
        loadedAt = now();
      } catch (e) {
        // Keep the last good list; retry on a later response.
        opts.log.warn('frame-ancestors refresh failed', { err: (e as Error).message });
        loadedAt = now() - refreshMs + 5_000;
      } finally {
        loading = null;
      }
    })();
    return loading;
  };

  return {
    current() {
      if (now() - loadedAt >= refreshMs) void refresh();
      return list;
    },
    refresh,
    invalidate() {
      loadedAt = Number.NEGATIVE_INFINITY;
    },
  };
}
