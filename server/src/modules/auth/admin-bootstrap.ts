/**
 * The first administrator: from HANDSUP_ADMIN_EMAIL / HANDSUP_ADMIN_PASSWORD at start (created only if
 * no administrator exists yet), or with `bun server/src/cli/create-admin.ts --email …`.
 */
import { AppError } from '@handsup/protocol';
import { normalizeEmail, passwordProblem } from '../../domain/access/password-policy.ts';
import type { AppDeps } from '../../http/context.ts';
import { createAudit } from '../audit/service.ts';
import { hashPassword } from './service.ts';

export type AdminOutcome = 'created' | 'promoted' | 'exists';

/** Creates (or promotes) the account `email` as an administrator. */
export async function createAdmin(
  deps: Pick<AppDeps, 'database' | 'log' | 'clock'>,
  rawEmail: string,
  password: string,
): Promise<AdminOutcome> {
  const email = normalizeEmail(rawEmail);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new AppError('validation_failed', 'The admin email is not an email address.', { field: 'email' });
  const problem = passwordProblem(password, email);
  if (problem)
    throw new AppError('validation_failed', `The admin password is refused: ${problem}`, {
      field: 'password',
    });
  const hash = await hashPassword(password);
  const { database } = deps;
  const [existing] = await database.query<{ id: string; is_admin: boolean }>(
    'SELECT id, is_admin FROM users WHERE email = $1 AND deleted_at IS NULL',
    [email],
  );
  let userId: string;
  let outcome: AdminOutcome;
  if (existing) {
    userId = existing.id;
    outcome = existing.is_admin ? 'exists' : 'promoted';
    await database.query('UPDATE users SET is_admin = true WHERE id = $1', [userId]);
    await database.query(
      `INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [userId, hash],
    );
  } else {
    const [u] = await database.query<{ id: string }>(
      `INSERT INTO users (email, display_name, is_admin) VALUES ($1, 'Administrator', true) RETURNING id`,
      [email],
    );
    userId = u.id;
    outcome = 'created';
    await database.query('INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2)', [userId, hash]);
  }
  await createAudit(deps).record({
    action: 'auth.admin_created',
    actor: null,
    target: { type: 'user', id: userId },
    details: { outcome },
  });
  return outcome;
}

/** At start: HANDSUP_ADMIN_EMAIL / _PASSWORD create the first admin, and only while there is none. */
export async function bootstrapAdmin(
  deps: Pick<AppDeps, 'config' | 'database' | 'log' | 'clock'>,
): Promise<void> {
  const { adminEmail, adminPassword } = deps.config;
  if (!adminEmail && !adminPassword) return;
  if (!adminEmail || !adminPassword) {
    deps.log.warn(
      'set both HANDSUP_ADMIN_EMAIL and HANDSUP_ADMIN_PASSWORD to create the first administrator',
    );
    return;
  }
  const [any] = await deps.database.query(
    'SELECT 1 FROM users WHERE is_admin AND deleted_at IS NULL LIMIT 1',
  );
  if (any) return;
  const outcome = await createAdmin(deps, adminEmail, adminPassword);
  deps.log.info('first administrator ready', { email: normalizeEmail(adminEmail), outcome });
}
