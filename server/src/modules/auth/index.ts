/**
 * Accounts and access: the public surface other modules and the realtime gateway use.
 *
 * @example
 *   const auth = createAuthenticator(deps);            // Bearer JWT or pt_ token -> Principal
 *   const access = createSessionAccess(deps);          // Principal + session -> Role
 *   if (!can(await access.roleInSession(p, id), 'poll.run')) throw new AppError('forbidden', '…');
 *   crossNode.revocations.onRevoked((id) => id === `user:${p.userId}` || id === `family:${p.tokenId}` ? close() : 0);
 */
import type { AppDeps } from '../../http/context.ts';
import { accessKit } from './kit.ts';

export { bootstrapAdmin, createAdmin } from './admin-bootstrap.ts';
export {
  ACCESS_TOKEN_TTL_MS,
  type AccountAuthenticator,
  PARTICIPANT_TOKEN_PREFIX,
  revocationIds,
} from './authenticator.ts';
export { bearerToken, optionalPrincipal, requirePrincipal, requireUser } from './http-auth.ts';
export { authRoutes } from './routes.ts';
export { type CourseAccess, globalRole } from './session-access.ts';
export { can, ACTIONS, type Action } from '../../domain/access/permissions.ts';

/** The app's authenticator (one per `deps`): `authenticate`, `renewAccessToken`, `issueAppSessionToken`. */
export const createAuthenticator = (deps: AppDeps) => accessKit(deps).authenticator;
/** The app's SessionAccess (one per `deps`): `roleInSession`, `roleInCourse`. */
export const createSessionAccess = (deps: AppDeps) => accessKit(deps).access;
/** The app's audit trail: `record({action, actor, target, ip, requestId, details})`. */
export const createAuditTrail = (deps: AppDeps) => accessKit(deps).audit;
