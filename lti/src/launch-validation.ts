/**
 * The launch (`id_token` form post) as a chain of named checks, in the order of shared/reference/lti.md.
 * Each check either passes or returns its own failure reason and an admin-facing sentence; the first
 * failure stops the chain. Only RS256 is accepted (never `none`, never HS256).
 */
import { base64url, compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { LTI, MESSAGE_TYPES } from './claims.ts';
import type { JwksCache } from './jwks-cache.ts';
import { type LaunchFailure, launchFailure } from './launch-failures.ts';
import { toLaunch } from './launch-claims.ts';
import type { LoginState, LoginStateStore, Platform, PlatformStore, ValidatedLaunch } from './ports.ts';
import { mapLtiRoles } from './role-mapping.ts';

export interface LaunchInput {
  idToken: string | undefined;
  state: string | undefined;
  /** Browser-binding value from the cookie, if it arrived. */
  cookieBinding?: string;
  /** Browser-binding value recovered from platform storage / localStorage and posted along. */
  storageBinding?: string;
}

export interface LaunchValidationDeps {
  platforms: PlatformStore;
  loginStates: LoginStateStore;
  jwks: JwksCache;
  now: () => Date;
  /** Clock tolerance for exp / iat / nbf, seconds (default 10). */
  clockToleranceS?: number;
}

export type LaunchResult =
  | { ok: true; launch: Omit<ValidatedLaunch, 'deepLinkTicket'> }
  | { ok: false; failure: LaunchFailure };

interface Ctx {
  input: LaunchInput;
  deps: LaunchValidationDeps;
  login?: LoginState;
  platform?: Platform;
  claims?: JWTPayload & Record<string, unknown>;
}

type Check = { name: string; run: (ctx: Ctx) => Promise<LaunchFailure | undefined> };

/**
 * SHA-256 of a binding value, base64url: what the login state stores instead of the value itself.
 * @example
 *   const hash = await hashBinding(crypto.randomUUID());
 */
export async function hashBinding(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return base64url.encode(new Uint8Array(digest));
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const checkState: Check = {
  name: 'state',
  async run(ctx) {
    const { state, cookieBinding, storageBinding } = ctx.input;
    if (!str(state)) return launchFailure('state_missing', 'The launch carried no state parameter.');
    const r = await ctx.deps.loginStates.consume(state, ctx.deps.now());
    if (r.outcome === 'not_found')
      return launchFailure('state_unknown', 'No login is waiting for this state.');
    if (r.outcome === 'already_used')
      return launchFailure('state_reused', 'This login state was already used.');
    ctx.login = r.login;
    if (r.login.expiresAt.getTime() < ctx.deps.now().getTime()) {
      return launchFailure(
        'state_expired',
        `The login started at ${r.login.createdAt.toISOString()} has expired.`,
      );
    }
    for (const candidate of [cookieBinding, storageBinding]) {
      if (str(candidate) && (await hashBinding(candidate)) === r.login.bindingHash) return undefined;
    }
    return launchFailure('state_not_bound', 'The login was started in a different browser or window.');
  },
};

const checkPlatform: Check = {
  name: 'platform',
  async run(ctx) {
    try {
      ctx.claims = decodeJwt(ctx.input.idToken ?? '') as Ctx['claims'];
    } catch {
      return launchFailure('token_malformed', 'The id_token could not be decoded.');
    }
    const login = ctx.login!;
    const iss = ctx.claims!.iss;
    const platform = str(iss) ? await ctx.deps.platforms.findPlatform(iss, login.clientId) : null;
    if (!platform || platform.id !== login.platformId) {
      return launchFailure(
        'platform_unknown',
        `No platform is registered with issuer "${String(iss)}" and client id "${login.clientId}".`,
      );
    }
    if (platform.status !== 'active') {
      return launchFailure(
        'platform_pending',
        `Platform "${platform.issuer}" is registered but not yet activated.`,
      );
    }
    ctx.platform = platform;
  },
};

const checkSignature: Check = {
  name: 'signature',
  async run(ctx) {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(ctx.input.idToken!);
    } catch {
      return launchFailure('token_malformed', 'The id_token header could not be decoded.');
    }
    if (header.alg !== 'RS256') {
      return launchFailure(
        'alg_not_allowed',
        `The id_token is signed with "${String(header.alg)}", not RS256.`,
      );
    }
    const key = await ctx.deps.jwks.getKey(ctx.platform!.jwksUrl, header.kid);
    if (!key.ok) return launchFailure(key.reason, `The signing key could not be found: ${key.detail}.`);
    try {
      await compactVerify(ctx.input.idToken!, key.key, { algorithms: ['RS256'] });
    } catch {
      return launchFailure('signature_invalid', `The id_token signature does not match key "${header.kid}".`);
    }
  },
};

const checkTimestamps: Check = {
  name: 'timestamps',
  async run(ctx) {
    const { exp, iat, nbf } = ctx.claims!;
    const now = Math.floor(ctx.deps.now().getTime() / 1000);
    const tol = ctx.deps.clockToleranceS ?? 10;
    if (typeof exp !== 'number' || typeof iat !== 'number') {
      return launchFailure('token_malformed', 'The id_token lacks a numeric exp or iat claim.');
    }
    if (now > exp + tol) return launchFailure('token_expired', `The id_token expired ${now - exp} s ago.`);
    if (iat > now + tol)
      return launchFailure('token_issued_in_future', `The id_token is issued ${iat - now} s in the future.`);
    if (typeof nbf === 'number' && nbf > now + tol) {
      return launchFailure('token_not_yet_valid', `The id_token is not valid for another ${nbf - now} s.`);
    }
  },
};

const checkAudience: Check = {
  name: 'audience',
  async run(ctx) {
    const { aud, azp } = ctx.claims!;
    const clientId = ctx.platform!.clientId;
    const auds = Array.isArray(aud) ? aud : str(aud) ? [aud] : [];
    if (!auds.includes(clientId)) {
      return launchFailure(
        'aud_mismatch',
        `The id_token audience [${auds.join(', ')}] does not contain client id "${clientId}".`,
      );
    }
    if ((auds.length > 1 || azp !== undefined) && azp !== clientId) {
      return launchFailure(
        'azp_mismatch',
        `The id_token azp "${String(azp)}" is not client id "${clientId}".`,
      );
    }
  },
};

const checkNonce: Check = {
  name: 'nonce',
  async run(ctx) {
    const nonce = ctx.claims!.nonce;
    if (nonce === ctx.login!.nonce) return undefined;
    if (str(nonce) && (await ctx.deps.loginStates.nonceStatus(nonce)) === 'used') {
      return launchFailure('nonce_replayed', 'The id_token nonce was already used by an earlier launch.');
    }
    return launchFailure('nonce_mismatch', 'The id_token nonce is not the one issued for this login.');
  },
};

const checkDeployment: Check = {
  name: 'deployment',
  async run(ctx) {
    const id = ctx.claims![LTI.deploymentId];
    if (!str(id) || !(await ctx.deps.platforms.hasDeployment(ctx.platform!.id, id))) {
      return launchFailure(
        'deployment_unknown',
        `Deployment ${String(id)} is not registered for this platform.`,
      );
    }
  },
};

const checkVersion: Check = {
  name: 'version',
  async run(ctx) {
    const v = ctx.claims![LTI.version];
    if (v !== '1.3.0')
      return launchFailure(
        'version_unsupported',
        `The launch declares LTI version "${String(v)}", not 1.3.0.`,
      );
  },
};

const checkMessageType: Check = {
  name: 'message_type',
  async run(ctx) {
    const t = ctx.claims![LTI.messageType];
    if (t !== MESSAGE_TYPES.resourceLink && t !== MESSAGE_TYPES.deepLinking) {
      return launchFailure('message_type_unsupported', `Message type "${String(t)}" is not supported.`);
    }
  },
};

const checkRequiredClaims: Check = {
  name: 'required_claims',
  async run(ctx) {
    const c = ctx.claims!;
    if (!str(c.sub)) return launchFailure('subject_missing', 'The id_token has no sub (user id).');
    if (c[LTI.messageType] === MESSAGE_TYPES.resourceLink) {
      const link = c[LTI.resourceLink] as { id?: unknown } | undefined;
      if (!str(link?.id))
        return launchFailure('resource_link_missing', 'The resource link launch has no resource_link.id.');
    } else {
      const s = c[LTI.deepLinkingSettings] as { deep_link_return_url?: unknown } | undefined;
      if (!str(s?.deep_link_return_url)) {
        return launchFailure(
          'deep_linking_settings_missing',
          'The deep linking launch has no deep_link_return_url.',
        );
      }
    }
  },
};

const checkCourseRole: Check = {
  name: 'course_role',
  async run(ctx) {
    const roles = ctx.claims![LTI.roles];
    if (mapLtiRoles(Array.isArray(roles) ? roles : []) === null) {
      const sent = Array.isArray(roles) && roles.length ? roles.join(', ') : 'none';
      return launchFailure('no_course_role', `No course role decides access (roles sent: ${sent}).`);
    }
  },
};

/** The chain, in order. Exported so tests and docs can list it. */
export const LAUNCH_CHECK_CHAIN: readonly Check[] = [
  checkState,
  checkPlatform,
  checkSignature,
  checkTimestamps,
  checkAudience,
  checkNonce,
  checkDeployment,
  checkVersion,
  checkMessageType,
  checkRequiredClaims,
  checkCourseRole,
];

/**
 * Run every check; the first failure wins.
 * @example
 *   const r = await validateLaunch({ idToken, state, cookieBinding }, { platforms, loginStates, jwks, now: () => new Date() });
 *   if (!r.ok) console.log(r.failure.reason, r.failure.message);
 */
export async function validateLaunch(input: LaunchInput, deps: LaunchValidationDeps): Promise<LaunchResult> {
  const ctx: Ctx = { input, deps };
  for (const check of LAUNCH_CHECK_CHAIN) {
    const failure = await check.run(ctx);
    if (failure) return { ok: false, failure };
  }
  return { ok: true, launch: toLaunch(ctx.platform!, ctx.claims!) };
}
