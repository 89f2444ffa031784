/**
 * ioredis clients tuned so that Redis being down is reported, never waited out: no offline queue (a
 * command while disconnected rejects at once), no retry or resend of a command that was in flight when
 * the connection dropped, and a per-command timeout for a Redis that stops answering. The client itself
 * keeps reconnecting in the background, and a subscriber resubscribes (ioredis autoResubscribe).
 */
import Redis, { type RedisOptions } from 'ioredis';
import { DEFAULT_PING_TIMEOUT_MS } from '../timing.ts';

export function redisOptions(connectionName: string): RedisOptions {
  return {
    connectionName,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: true,
    commandTimeout: DEFAULT_PING_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  };
}

/** A client for `url`, logging one line per outage rather than one per reconnect attempt. */
export function openRedis(url: string, connectionName: string): Redis {
  const client = new Redis(url, redisOptions(connectionName));
  let down = false;
  client.on('error', (e: Error) => {
    if (down) return;
    down = true;
    console.warn(`crossnode: Redis connection ${connectionName} failed (${e.message}); reconnecting`);
  });
  client.on('ready', () => {
    if (down) console.warn(`crossnode: Redis connection ${connectionName} is back`);
    down = false;
  });
  return client;
}

/**
 * Starts connecting and waits for the first attempt to settle (ready, or failed), bounded by `timeoutMs`.
 * Never rejects: a Redis that is down at boot is reported by `ping`, and the client keeps retrying.
 */
export async function firstConnect(client: Redis, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    client.connect().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

/** QUIT when connected (lets replies drain), otherwise stop reconnecting at once. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection broke while quitting
    }
  }
  client.disconnect(false);
}

/** Rejects after `timeoutMs` unless `work` settles first. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
