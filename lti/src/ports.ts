/**
 * The ports: the only way the LTI package talks to the rest of Handsup. `server/` implements them on
 * the database; `src/testing/memory-stores.ts` implements them in memory for this package's own tests.
 */
import type { JWK } from 'jose';
import type { HandsupCourseRole } from './role-mapping.ts';

/** A registered LMS (issuer + client_id), with the URLs the tool needs to talk to it. */
export interface Platform {
  id: string;
  issuer: string;
  clientId: string;
  /** OIDC authorization endpoint ("authentication request URL" in Canvas/Moodle wording). */
  authLoginUrl: string;
  /** OAuth2 token endpoint for AGS/NRPS access tokens. */
  authTokenUrl: string;
  jwksUrl: string;
  /** `pending` until a Handsup admin activates a dynamically registered platform; launches need `active`. */
  status: 'pending' | 'active';
  name?: string;
}

export interface NewPlatform extends Omit<Platform, 'id'> {
  deploymentIds: string[];
}

/**
 * Platforms and their deployments.
 * @example
 *   const p = await ports.platforms.findPlatform('https://canvas.instructure.com', '10000000000001');
 */
export interface PlatformStore {
  /** The platform registered with this issuer and client id, or null. */
  findPlatform(issuer: string, clientId: string): Promise<Platform | null>;
  /** Every platform with this issuer (login initiation may omit client_id). */
  listPlatformsByIssuer(issuer: string): Promise<Platform[]>;
  hasDeployment(platformId: string, deploymentId: string): Promise<boolean>;
  /** Create (dynamic registration) or replace a platform with the same issuer + client id; returns it. */
  savePlatform(platform: NewPlatform): Promise<Platform>;
}

/** One OIDC login in flight: created at login initiation, consumed once by the launch. */
export interface LoginState {
  state: string;
  nonce: string;
  platformId: string;
  issuer: string;
  clientId: string;
  /** SHA-256 (base64url) of the random value held by the browser (cookie or storage). */
  bindingHash: string;
  targetLinkUri: string;
  /** The original login initiation parameters, to restart the login in a new window. */
  loginParams: Record<string, string>;
  /** `lti_storage_target` when the platform offered LTI platform storage. */
  storageTarget?: string;
  createdAt: Date;
  expiresAt: Date;
}

export type ConsumeLoginResult =
  | { outcome: 'consumed'; login: LoginState }
  | { outcome: 'already_used'; login: LoginState }
  | { outcome: 'not_found' };

/**
 * Server-side login state and nonce. `consume` must be atomic (`UPDATE … SET used_at = now WHERE state = $1
 * AND used_at IS NULL RETURNING *`): two concurrent launches with one state cannot both succeed.
 * Consuming the state consumes its nonce.
 * @example
 *   const r = await ports.loginStates.consume(state, new Date());
 *   if (r.outcome !== 'consumed') reject();
 */
export interface LoginStateStore {
  create(login: LoginState): Promise<void>;
  /** Read without consuming (to render the binding-recovery page). */
  find(state: string): Promise<LoginState | null>;
  consume(state: string, now: Date): Promise<ConsumeLoginResult>;
  /** `used` if a login carrying this nonce was already consumed, `unused` if it is pending, else `unknown`. */
  nonceStatus(nonce: string): Promise<'used' | 'unused' | 'unknown'>;
}

export type ToolKeyStatus = 'next' | 'active' | 'retired';

/** One tool signing key. The private JWK is stored only encrypted (see crypto-at-rest.ts). */
export interface ToolKeyRecord {
  kid: string;
  status: ToolKeyStatus;
  publicJwk: JWK;
  /** AES-256-GCM ciphertext of the private JWK (JSON), from `encryptAtRest`. */
  encryptedPrivateJwk: string;
  createdAt: Date;
  /** When the key last changed status (became active, or retired). */
  statusChangedAt: Date;
}

/**
 * Tool keys. `rotate` in tool-keys.ts uses `replaceAll` inside one transaction where possible.
 * @example
 *   const keys = await ports.toolKeys.list();
 */
export interface ToolKeyStore {
  list(): Promise<ToolKeyRecord[]>;
  insert(key: ToolKeyRecord): Promise<void>;
  updateStatus(kid: string, status: ToolKeyStatus, at: Date): Promise<void>;
  delete(kid: string): Promise<void>;
}

/** A launch that passed every check, in plain data. */
export interface ValidatedLaunch {
  platform: Platform;
  deploymentId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  /** Platform user id; Handsup identity is (platform.id, sub). */
  sub: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** Raw roles claim, as sent. */
  roles: string[];
  /** Decided by role-mapping.ts from the membership roles. */
  role: HandsupCourseRole;
  context?: { id: string; label?: string; title?: string; type?: string[] };
  resourceLink?: { id: string; title?: string; description?: string };
  deepLinking?: DeepLinkingSettings;
  /** Signed by the tool; hand it back to POST /lti/deep-link/return-helper with the chosen items. */
  deepLinkTicket?: string;
  custom: Record<string, string>;
  nrps?: { contextMembershipsUrl: string };
  ags?: { scope: string[]; lineitems?: string; lineitem?: string };
  targetLinkUri?: string;
  /** Every claim as received (already verified). */
  claims: Record<string, unknown>;
}

export interface DeepLinkingSettings {
  deepLinkReturnUrl: string;
  acceptTypes: string[];
  acceptPresentationDocumentTargets?: string[];
  acceptMultiple?: boolean;
  autoCreate?: boolean;
  data?: string;
}

/** What the provisioner answers: where the browser goes and the app-session token it carries. */
export interface ProvisionResult {
  /** Path or absolute URL on the Handsup origin, e.g. `/s/abc123/live` or `/lti/pick`. */
  redirectTo: string;
  /** Short-lived signed app-session token (Bearer header, WebSocket hello). */
  appSessionToken: string;
}

/**
 * Turns a validated launch into Handsup state: upsert the user by (platform, sub), the course by the
 * context, the membership and its role (every launch), and the session for the resource link (the one
 * chosen via deep linking, or one created on the first teacher launch).
 * @example
 *   const { redirectTo, appSessionToken } = await ports.provisioner.provision(launch);
 */
export interface Provisioner {
  provision(launch: ValidatedLaunch): Promise<ProvisionResult>;
}

/** Everything the plugin needs from the host. */
export interface LtiPorts {
  platforms: PlatformStore;
  loginStates: LoginStateStore;
  toolKeys: ToolKeyStore;
  provisioner: Provisioner;
}
