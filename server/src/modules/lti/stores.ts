/**
 * The LTI package's storage ports on PGlite / PostgreSQL: platforms and deployments, one-time login
 * states (consumed atomically with a conditional UPDATE), and tool keys (the first active / next key is
 * inserted under an advisory lock, so nodes booting together never create two).
 */
import type {
  ConsumeLoginResult,
  LoginState,
  LoginStateStore,
  NewPlatform,
  Platform,
  PlatformStore,
  ToolKeyRecord,
  ToolKeyStatus,
  ToolKeyStore,
} from '@handsup/lti';
import { sql } from 'drizzle-orm';
import type { Database } from '../../storage/database.ts';

/** Arbitrary constant: serialises the first-boot creation of tool keys across nodes. */
export const TOOL_KEY_LOCK = 72_707_006;

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

export interface PlatformRow {
  id: string;
  issuer: string;
  client_id: string;
  name: string;
  auth_url: string;
  token_url: string;
  jwks_url: string;
  status: 'active' | 'pending' | 'disabled';
  created_at: Date;
}

export const PLATFORM_COLUMNS =
  'id, issuer, client_id, name, auth_url, token_url, jwks_url, status, created_at';

/** A disabled platform is shown to the LTI package as pending: it cannot log in. */
export const toPlatform = (r: PlatformRow): Platform => ({
  id: r.id,
  issuer: r.issuer,
  clientId: r.client_id,
  authLoginUrl: r.auth_url,
  authTokenUrl: r.token_url,
  jwksUrl: r.jwks_url,
  status: r.status === 'active' ? 'active' : 'pending',
  name: r.name || undefined,
});

export function createPlatformStore({ query }: Pick<Database, 'query'>): PlatformStore {
  return {
    async findPlatform(issuer, clientId) {
      const [r] = await query<PlatformRow>(
        `SELECT ${PLATFORM_COLUMNS} FROM lti_platforms WHERE issuer = $1 AND client_id = $2`,
        [issuer, clientId],
      );
      return r ? toPlatform(r) : null;
    },
    async listPlatformsByIssuer(issuer) {
      const rows = await query<PlatformRow>(
        `SELECT ${PLATFORM_COLUMNS} FROM lti_platforms WHERE issuer = $1 ORDER BY created_at`,
        [issuer],
      );
      return rows.map(toPlatform);
    },
    async hasDeployment(platformId, deploymentId) {
      const rows = await query(
        'SELECT 1 FROM lti_deployments WHERE platform_id = $1 AND deployment_id = $2',
        [platformId, deploymentId],
      );
      return rows.length > 0;
    },
    async savePlatform(p: NewPlatform) {
      // An existing platform keeps its status unless the caller activates it (a re-registration must
      // not re-open a platform an admin disabled, nor close one that works).
      const [r] = await query<PlatformRow>(
        `INSERT INTO lti_platforms (issuer, client_id, name, auth_url, token_url, jwks_url, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (issuer, client_id) DO UPDATE SET name = CASE WHEN EXCLUDED.name = '' THEN lti_platforms.name ELSE EXCLUDED.name END,
           auth_url = EXCLUDED.auth_url, token_url = EXCLUDED.token_url, jwks_url = EXCLUDED.jwks_url,
           status = CASE WHEN EXCLUDED.status = 'active' THEN 'active' ELSE lti_platforms.status END
         RETURNING ${PLATFORM_COLUMNS}`,
        [p.issuer, p.clientId, p.name ?? '', p.authLoginUrl, p.authTokenUrl, p.jwksUrl, p.status],
      );
      for (const d of p.deploymentIds) {
        await query(
          'INSERT INTO lti_deployments (platform_id, deployment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [r.id, d],
        );
      }
      return toPlatform(r);
    },
  };
}

interface LoginRow {
  state: string;
  nonce: string;
  platform_id: string;
  issuer: string;
  client_id: string;
  browser_binding: string | null;
  target_link_uri: string | null;
  storage_target: string | null;
  login_params: unknown;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

const LOGIN_COLUMNS =
  'state, nonce, platform_id, issuer, client_id, browser_binding, target_link_uri, storage_target, login_params, created_at, expires_at, used_at';

const toLogin = (r: LoginRow): LoginState => ({
  state: r.state,
  nonce: r.nonce,
  platformId: r.platform_id,
  issuer: r.issuer,
  clientId: r.client_id,
  bindingHash: r.browser_binding ?? '',
  targetLinkUri: r.target_link_uri ?? '',
  loginParams: json<Record<string, string>>(r.login_params),
  storageTarget: r.storage_target ?? undefined,
  createdAt: date(r.created_at),
  expiresAt: date(r.expires_at),
});

/** Expired rows are purged on every create (they are kept until then to recognise replays). */
export function createLoginStateStore({ query }: Pick<Database, 'query'>): LoginStateStore {
  return {
    async create(l) {
      await query('DELETE FROM lti_login_states WHERE expires_at < $1', [
        new Date(l.createdAt.getTime() - 60 * 60_000).toISOString(),
      ]);
      await query(
        `INSERT INTO lti_login_states (state, nonce, platform_id, issuer, client_id, browser_binding, target_link_uri,
           storage_target, login_params, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
        [
          l.state,
          l.nonce,
          l.platformId,
          l.issuer,
          l.clientId,
          l.bindingHash,
          l.targetLinkUri,
          l.storageTarget ?? null,
          JSON.stringify(l.loginParams),
          l.createdAt.toISOString(),
          l.expiresAt.toISOString(),
        ],
      );
    },
    async find(state) {
      const [r] = await query<LoginRow>(`SELECT ${LOGIN_COLUMNS} FROM lti_login_states WHERE state = $1`, [
        state,
      ]);
      return r ? toLogin(r) : null;
    },
    async consume(state, now): Promise<ConsumeLoginResult> {
      const [won] = await query<LoginRow>(
        `UPDATE lti_login_states SET used_at = $2 WHERE state = $1 AND used_at IS NULL RETURNING ${LOGIN_COLUMNS}`,
        [state, now.toISOString()],
      );
      if (won) return { outcome: 'consumed', login: toLogin(won) };
      const [used] = await query<LoginRow>(`SELECT ${LOGIN_COLUMNS} FROM lti_login_states WHERE state = $1`, [
        state,
      ]);
      return used ? { outcome: 'already_used', login: toLogin(used) } : { outcome: 'not_found' };
    },
    async nonceStatus(nonce) {
      const rows = await query<{ used: boolean }>(
        'SELECT used_at IS NOT NULL AS used FROM lti_login_states WHERE nonce = $1',
        [nonce],
      );
      if (rows.length === 0) return 'unknown';
      return rows.some((r) => r.used) ? 'used' : 'unused';
    },
  };
}

interface KeyRow {
  kid: string;
  status: ToolKeyStatus;
  public_jwk: unknown;
  private_key_enc: string;
  created_at: Date;
  status_changed_at: Date;
}

const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];

export function createToolKeyStore(database: Pick<Database, 'query' | 'db'>): ToolKeyStore {
  const { query } = database;
  return {
    async list() {
      const rows = await query<KeyRow>(
        'SELECT kid, status, public_jwk, private_key_enc, created_at, status_changed_at FROM lti_keys ORDER BY created_at',
      );
      return rows.map(
        (r): ToolKeyRecord => ({
          kid: r.kid,
          status: r.status,
          publicJwk: json(r.public_jwk),
          encryptedPrivateJwk: r.private_key_enc,
          createdAt: date(r.created_at),
          statusChangedAt: date(r.status_changed_at),
        }),
      );
    },
    async insert(k) {
      // `active` and `next` are singletons: under the lock, a second node that also saw "no active key"
      // finds the first node's key and inserts nothing.
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${TOOL_KEY_LOCK})`);
        if (k.status !== 'retired') {
          const existing = rowsOf(await tx.execute(sql`SELECT 1 FROM lti_keys WHERE status = ${k.status}`));
          if (existing.length > 0) return;
        }
        await tx.execute(sql`INSERT INTO lti_keys (kid, public_jwk, private_key_enc, status, created_at, status_changed_at, activated_at)
          VALUES (${k.kid}, ${JSON.stringify(k.publicJwk)}::jsonb, ${k.encryptedPrivateJwk}, ${k.status},
            ${k.createdAt.toISOString()}, ${k.statusChangedAt.toISOString()},
            ${k.status === 'active' ? k.statusChangedAt.toISOString() : null})`);
      });
    },
    async updateStatus(kid, status, at) {
      await query(
        `UPDATE lti_keys SET status = $2, status_changed_at = $3,
           activated_at = CASE WHEN $2 = 'active' THEN $3::timestamptz ELSE activated_at END,
           retired_at = CASE WHEN $2 = 'retired' THEN $3::timestamptz ELSE retired_at END
         WHERE kid = $1`,
        [kid, status, at.toISOString()],
      );
    },
    async delete(kid) {
      await query('DELETE FROM lti_keys WHERE kid = $1', [kid]);
    },
  };
}
