/**
 * The secret that encrypts tool private keys at rest (and signs deep-link placements): HANDSUP_ENCRYPTION_KEY,
 * required in production (config.ts). In development and tests, when unset, one random secret is
 * generated the first time and kept in the database (app_secrets), like the development JWT key, so
 * restarts and every node sharing the database can still decrypt the keys.
 */
import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../http/context.ts';

const DEV_SECRET_NAME = 'lti_key_dev_secret';
const loaded = new WeakMap<object, Promise<string>>();

async function load({
  config,
  database,
  log,
}: Pick<AppDeps, 'config' | 'database' | 'log'>): Promise<string> {
  if (config.encryptionKey) return config.encryptionKey;
  await database.query(
    'INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [DEV_SECRET_NAME, randomBytes(48).toString('base64url')],
  );
  const [row] = await database.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [
    DEV_SECRET_NAME,
  ]);
  log.warn(
    'HANDSUP_ENCRYPTION_KEY is not set: LTI tool keys are encrypted with a development secret kept in the database',
  );
  return row.value;
}

/** One secret per app (per `deps`), loaded once. */
export function ltiKeySecret(deps: Pick<AppDeps, 'config' | 'database' | 'log'>): Promise<string> {
  let p = loaded.get(deps);
  if (!p) {
    p = load(deps);
    loaded.set(deps, p);
    p.catch(() => loaded.delete(deps));
  }
  return p;
}
