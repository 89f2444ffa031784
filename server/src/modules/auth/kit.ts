/**
 * The access parts every module shares, built once per app (per `deps`): authenticator, session and
 * course access, refresh tokens, accounts and the audit trail.
 */
import type { AppDeps } from '../../http/context.ts';
import { createAudit } from '../audit/service.ts';
import { createAuthenticator } from './authenticator.ts';
import { createRefreshTokens } from './refresh-tokens.ts';
import { createAccountService } from './service.ts';
import { createSessionAccess } from './session-access.ts';

function build(deps: AppDeps) {
  const audit = createAudit(deps);
  const authenticator = createAuthenticator(deps);
  const refresh = createRefreshTokens(deps);
  return {
    audit,
    authenticator,
    refresh,
    access: createSessionAccess(deps),
    accounts: createAccountService(deps, authenticator, refresh, audit),
  };
}

export type AccessKit = ReturnType<typeof build>;
const kits = new WeakMap<AppDeps, AccessKit>();

export function accessKit(deps: AppDeps): AccessKit {
  let kit = kits.get(deps);
  if (!kit) {
    kit = build(deps);
    kits.set(deps, kit);
  }
  return kit;
}
