/**
 * Registered LMS platforms and their deployments, for administrators (REST routes and the CLI):
 * list, add (manual registration), activate / disable, remove, add / remove a deployment id.
 * Dynamic registration creates platforms through the same store (stores.ts), as `pending`.
 */
import { AppError } from '@handsup/protocol';
import type { Config } from '../../config/config.ts';
import type { Database } from '../../storage/database.ts';
import { createPlatformStore, PLATFORM_COLUMNS, type PlatformRow } from './stores.ts';

export interface PlatformInput {
  issuer: string;
  clientId: string;
  name?: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  deploymentIds: string[];
  status?: 'active' | 'pending';
}

export interface PlatformView {
  id: string;
  issuer: string;
  clientId: string;
  name: string;
  authLoginUrl: string;
  authTokenUrl: string;
  jwksUrl: string;
  status: 'active' | 'pending' | 'disabled';
  deploymentIds: string[];
  createdAt: number;
}

const toView = (r: PlatformRow, deploymentIds: string[]): PlatformView => ({
  id: r.id,
  issuer: r.issuer,
  clientId: r.client_id,
  name: r.name,
  authLoginUrl: r.auth_url,
  authTokenUrl: r.token_url,
  jwksUrl: r.jwks_url,
  status: r.status,
  deploymentIds,
  createdAt: new Date(r.created_at).getTime(),
});

/** Production platforms must be HTTPS; development and tests may use http (mock platforms). */
function checkUrl(config: Pick<Config, 'nodeEnv'>, field: string, value: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new AppError('validation_failed', `${field}: not a URL.`, { field });
  }
  const ok = u.protocol === 'https:' || (config.nodeEnv !== 'production' && u.protocol === 'http:');
  if (!ok) throw new AppError('validation_failed', `${field}: must be an https:// URL.`, { field });
}

export function createPlatformAdmin({
  database,
  config,
}: {
  database: Database;
  config: Pick<Config, 'nodeEnv'>;
}) {
  const q = database.query;
  const store = createPlatformStore(database);

  async function get(id: string): Promise<PlatformView> {
    const [r] = await q<PlatformRow>(`SELECT ${PLATFORM_COLUMNS} FROM lti_platforms WHERE id = $1`, [id]);
    if (!r) throw new AppError('not_found', 'No such platform.');
    const deps = await q<{ deployment_id: string }>(
      'SELECT deployment_id FROM lti_deployments WHERE platform_id = $1 ORDER BY created_at, deployment_id',
      [id],
    );
    return toView(
      r,
      deps.map((d) => d.deployment_id),
    );
  }

  return {
    get,
    async list(): Promise<PlatformView[]> {
      const rows = await q<PlatformRow>(
        `SELECT ${PLATFORM_COLUMNS} FROM lti_platforms ORDER BY created_at, id`,
      );
      const deps = await q<{ platform_id: string; deployment_id: string }>(
        'SELECT platform_id, deployment_id FROM lti_deployments ORDER BY created_at, deployment_id',
      );
      return rows.map((r) =>
        toView(
          r,
          deps.filter((d) => d.platform_id === r.id).map((d) => d.deployment_id),
        ),
      );
    },
    async add(input: PlatformInput): Promise<PlatformView> {
      checkUrl(config, 'issuer', input.issuer);
      checkUrl(config, 'authLoginUrl', input.authLoginUrl);
      checkUrl(config, 'authTokenUrl', input.authTokenUrl);
      checkUrl(config, 'jwksUrl', input.jwksUrl);
      const p = await store.savePlatform({ ...input, status: input.status ?? 'active' });
      return get(p.id);
    },
    async setStatus(id: string, status: 'active' | 'disabled'): Promise<PlatformView> {
      const rows = await q('UPDATE lti_platforms SET status = $2 WHERE id = $1 RETURNING id', [id, status]);
      if (rows.length === 0) throw new AppError('not_found', 'No such platform.');
      return get(id);
    },
    async remove(id: string): Promise<void> {
      const rows = await q('DELETE FROM lti_platforms WHERE id = $1 RETURNING id', [id]);
      if (rows.length === 0) throw new AppError('not_found', 'No such platform.');
    },
    async addDeployment(id: string, deploymentId: string): Promise<PlatformView> {
      await get(id);
      await q(
        'INSERT INTO lti_deployments (platform_id, deployment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [id, deploymentId],
      );
      return get(id);
    },
    async removeDeployment(id: string, deploymentId: string): Promise<PlatformView> {
      await q('DELETE FROM lti_deployments WHERE platform_id = $1 AND deployment_id = $2', [
        id,
        deploymentId,
      ]);
      return get(id);
    },
  };
}
