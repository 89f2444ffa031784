/**
 * Configuration: every setting comes from the environment, is parsed once at boot, and a wrong value
 * stops the server with a message naming the variable, what is wrong and what is expected.
 * `*_FILE` variants (Docker secrets) are read for every secret.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseRateLimits, type RateLimitConfig } from './rate-limits.ts';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicOrigin: string;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  /** Prefix of every Redis key and channel (several deployments or test runs can share one Redis). */
  redisPrefix: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  corsOrigins: string[];
  trustedProxies: string[];
  frameAncestors: string[];
  /** JWT signing keys, newest first: the first signs, all verify. */
  jwtKeys: { kid: string; secret: string }[];
  /** Key that encrypts LTI private keys at rest. */
  encryptionKey: string | null;
  metricsToken: string | null;
  adminEmail: string | null;
  adminPassword: string | null;
  shutdownGraceMs: number;
  /** Votes are group-committed: at most this many ms pass between a vote's arrival and its commit. */
  voteBatchMs: number;
  /** Every rate limit (config/rate-limits.ts), or `enabled: false` with RATE_LIMITS=off. */
  rateLimits: RateLimitConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses the environment into a Config, or throws ConfigError listing every bad variable. */
export function parseConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const file = env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (e) {
        problems.push(
          `${name}_FILE=${file}: the file cannot be read (${(e as Error).message}); expected a readable file holding the value`,
        );
        return undefined;
      }
    }
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], dflt: T): T => {
    const v = read(name);
    if (v === undefined) return dflt;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`${name}=${JSON.stringify(v)} is not allowed; expected one of ${allowed.join(', ')}`);
    return dflt;
  };
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const v = read(name);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name}=${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
      return dflt;
    }
    return Number(v);
  };
  const url = (name: string, protocols: string[], example: string): string | null => {
    const v = read(name);
    if (v === undefined) return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      if (!u.hostname) throw new Error('host');
      return v;
    } catch {
      problems.push(`${name} is not a valid URL (expected ${protocols.join(' or ')}…, e.g. ${example})`);
      return null;
    }
  };
  const list = (name: string): string[] =>
    (read(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const origins = (name: string): string[] => {
    const out: string[] = [];
    for (const o of list(name)) {
      try {
        const u = new URL(o);
        if (u.origin !== o.replace(/\/$/, '')) throw new Error('not an origin');
        out.push(u.origin);
      } catch {
        problems.push(
          `${name} holds ${JSON.stringify(o)}, which is not an origin; expected scheme://host[:port], comma-separated`,
        );
      }
    }
    return out;
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = int('PORT', 3000, 0, 65535);
  const host = read('HOST') ?? '0.0.0.0';
  let publicOrigin = `http://localhost:${port}`;
  const po = read('PUBLIC_ORIGIN');
  if (po !== undefined) {
    try {
      const u = new URL(po);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      publicOrigin = u.origin;
    } catch {
      problems.push(
        `PUBLIC_ORIGIN=${JSON.stringify(po)} is not an origin; expected e.g. https://handsup.example.edu`,
      );
    }
  }
  const databaseUrl = url(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://user:pass@host:5432/handsup',
  );
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379');
  const trustedProxies = list('TRUSTED_PROXIES');
  for (const p of trustedProxies) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p)) {
      problems.push(
        `TRUSTED_PROXIES holds ${JSON.stringify(p)}; expected IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8,127.0.0.1)`,
      );
    }
  }

  const jwtKeys: Config['jwtKeys'] = [];
  const rawKeys = read('JWT_SECRETS');
  if (rawKeys !== undefined) {
    for (const part of rawKeys.split(',')) {
      const [kid, secret] = part.trim().split(':');
      if (!kid || !secret || !/^[\w-]{1,32}$/.test(kid)) {
        problems.push('JWT_SECRETS must be kid:secret pairs, comma-separated, newest first (e.g. k2:…,k1:…)');
        break;
      }
      jwtKeys.push({ kid, secret });
    }
  }
  const encryptionKey = read('HANDSUP_ENCRYPTION_KEY') ?? null;
  if (nodeEnv === 'production') {
    if (jwtKeys.length === 0)
      problems.push(
        'JWT_SECRETS is required when NODE_ENV=production (kid:secret, secret at least 32 characters)',
      );
    for (const k of jwtKeys) {
      if (k.secret.length < 32 || /^(secret|changeme|change-me|development)/i.test(k.secret)) {
        problems.push(
          `JWT_SECRETS key "${k.kid}" is too short or a default; expected at least 32 random characters`,
        );
      }
    }
    if (!encryptionKey || encryptionKey.length < 32) {
      problems.push(
        'HANDSUP_ENCRYPTION_KEY is required when NODE_ENV=production; expected at least 32 random characters',
      );
    }
    if (!publicOrigin.startsWith('https://')) {
      problems.push(`PUBLIC_ORIGIN=${publicOrigin} must be https:// when NODE_ENV=production`);
    }
  }
  const config: Config = {
    nodeEnv,
    host,
    port,
    publicOrigin,
    dataDir: resolve(read('HANDSUP_DATA_DIR') ?? './data'),
    databaseUrl,
    redisUrl,
    redisPrefix: read('REDIS_PREFIX') ?? 'handsup:',
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
    corsOrigins: origins('CORS_ORIGINS'),
    trustedProxies,
    frameAncestors: origins('FRAME_ANCESTORS'),
    jwtKeys,
    encryptionKey,
    metricsToken: read('METRICS_TOKEN') ?? null,
    adminEmail: read('HANDSUP_ADMIN_EMAIL') ?? null,
    adminPassword: read('HANDSUP_ADMIN_PASSWORD') ?? null,
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    voteBatchMs: int('VOTE_BATCH_MS', 4, 0, 1000),
    rateLimits: parseRateLimits(env, nodeEnv, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
