/**
 * Signing keys and opaque-token helpers. Keys come from JWT_SECRETS (newest first: the first signs,
 * all verify). In development and tests, when JWT_SECRETS is unset, one random key is generated the
 * first time and kept in the database (table app_secrets), so restarts — and every node sharing the
 * database — keep accepting the tokens already handed out. Production refuses to start without
 * JWT_SECRETS (config.ts).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { AppDeps } from '../../http/context.ts';

export interface JwtKey {
  kid: string;
  secret: string;
}

const DEV_KEY_NAME = 'jwt_dev_key';

export async function loadJwtKeys({
  config,
  database,
  log,
}: Pick<AppDeps, 'config' | 'database' | 'log'>): Promise<JwtKey[]> {
  if (config.jwtKeys.length > 0) return config.jwtKeys;
  await database.query(
    'INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [DEV_KEY_NAME, randomBytes(48).toString('base64url')],
  );
  const [row] = await database.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [
    DEV_KEY_NAME,
  ]);
  log.warn(
    'JWT_SECRETS is not set: using the generated development key kept in the database (never do this in production)',
  );
  return [{ kid: 'dev', secret: row.value }];
}

/** An opaque token: a prefix and 32 random bytes, base64url. */
export const randomToken = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** What the database keeps instead of a token: its SHA-256, hex. Tokens carry 256 bits, so no salt. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token derived from `input` under `secret`: recomputable by the server, unguessable by anyone else. */
export const derivedToken = (prefix: string, secret: string, input: string): string =>
  `${prefix}${createHmac('sha256', secret).update(input).digest('base64url')}`;
