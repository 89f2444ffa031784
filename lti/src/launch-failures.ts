import { AppError } from '@handsup/protocol';

/**
 * Every reason a launch can be refused: a stable code, the check it belongs to, and what the LMS
 * admin should look at. The sentence naming the specifics (issuer, deployment…) is built at the check.
 */

export const LAUNCH_CHECKS = [
  'login',
  'state',
  'platform',
  'signature',
  'timestamps',
  'audience',
  'nonce',
  'deployment',
  'version',
  'message_type',
  'required_claims',
  'course_role',
] as const;
export type LaunchCheck = (typeof LAUNCH_CHECKS)[number];

export const LAUNCH_FAILURES = {
  login_params_missing: {
    check: 'login',
    hint: 'The LMS must send iss, login_hint and target_link_uri to the login URL.',
  },
  platform_ambiguous: {
    check: 'login',
    hint: 'Several platforms share this issuer; the LMS must send client_id with the login.',
  },
  platform_error: {
    check: 'login',
    hint: 'The LMS refused the sign-in (often: the user is not logged in to the LMS in this browser).',
  },
  target_link_uri_foreign: {
    check: 'login',
    hint: 'The launch URL configured in the LMS must point at this Handsup server.',
  },
  state_missing: {
    check: 'state',
    hint: 'The LMS must send the login through /lti/login before the launch.',
  },
  state_unknown: {
    check: 'state',
    hint: 'The login expired or came from another server; launch again from the course.',
  },
  state_reused: {
    check: 'state',
    hint: 'A launch can be used only once; reload the course page and launch again.',
  },
  state_expired: { check: 'state', hint: 'The login took too long; launch again from the course.' },
  state_not_bound: {
    check: 'state',
    hint: 'The browser that finished the launch is not the one that started it. Try "open in a new window".',
  },
  token_malformed: { check: 'platform', hint: 'The LMS sent an id_token that is not a well-formed JWT.' },
  platform_unknown: {
    check: 'platform',
    hint: 'Register this issuer and client id in Handsup (admin > LTI platforms).',
  },
  platform_pending: {
    check: 'platform',
    hint: 'A Handsup admin must activate this platform after dynamic registration.',
  },
  alg_not_allowed: { check: 'signature', hint: 'Handsup accepts only RS256-signed launches.' },
  kid_unknown: {
    check: 'signature',
    hint: "Check the platform's JWKS URL registered in Handsup; its keys may have rotated.",
  },
  jwks_unavailable: {
    check: 'signature',
    hint: "Check that the platform's JWKS URL is correct and reachable from Handsup.",
  },
  signature_invalid: {
    check: 'signature',
    hint: 'Check the JWKS URL registered for this platform in Handsup.',
  },
  token_expired: { check: 'timestamps', hint: "The launch arrived too late; check the LMS server's clock." },
  token_issued_in_future: {
    check: 'timestamps',
    hint: "Check the LMS server's clock (it is ahead of Handsup's).",
  },
  token_not_yet_valid: {
    check: 'timestamps',
    hint: "Check the LMS server's clock (it is ahead of Handsup's).",
  },
  aud_mismatch: { check: 'audience', hint: 'Check the client id registered in Handsup for this platform.' },
  azp_mismatch: { check: 'audience', hint: 'Check the client id registered in Handsup for this platform.' },
  nonce_mismatch: {
    check: 'nonce',
    hint: 'The launch belongs to a different login; launch again from the course.',
  },
  nonce_replayed: { check: 'nonce', hint: 'This launch was already used; launch again from the course.' },
  deployment_unknown: { check: 'deployment', hint: 'Add this deployment id to the platform in Handsup.' },
  version_unsupported: { check: 'version', hint: 'Handsup supports LTI 1.3.0 only.' },
  message_type_unsupported: {
    check: 'message_type',
    hint: 'Configure the placement as a resource link or deep linking launch.',
  },
  subject_missing: {
    check: 'required_claims',
    hint: 'Anonymous launches are not supported; the LMS must send `sub`.',
  },
  resource_link_missing: {
    check: 'required_claims',
    hint: 'The LMS must send the resource_link claim with an id.',
  },
  deep_linking_settings_missing: {
    check: 'required_claims',
    hint: 'The LMS must send deep_linking_settings with a deep_link_return_url.',
  },
  no_course_role: {
    check: 'course_role',
    hint: 'Enrol the user in the course as a teacher, student, designer or observer.',
  },
} as const satisfies Record<string, { check: LaunchCheck; hint: string }>;

export type LaunchFailureReason = keyof typeof LAUNCH_FAILURES;

/** A refused launch: `reason` for logs and tests, `message` and `hint` for the admin-facing page. */
export interface LaunchFailure {
  reason: LaunchFailureReason;
  check: LaunchCheck;
  message: string;
  hint: string;
}

/**
 * Build a failure with its check and hint from the catalog.
 * @example
 *   launchFailure('deployment_unknown', 'Deployment 7 is not registered for this platform.');
 */
export function launchFailure(reason: LaunchFailureReason, message: string): LaunchFailure {
  const { check, hint } = LAUNCH_FAILURES[reason];
  return { reason, check, message, hint };
}

/**
 * The failure as the catalog error `lti_launch_failed` (for logs, audit and JSON callers).
 * @example
 *   log.warn(launchFailureError(failure)); // AppError { code: 'lti_launch_failed', status: 400 }
 */
export function launchFailureError(failure: LaunchFailure): AppError {
  return new AppError('lti_launch_failed', `${failure.reason}: ${failure.message}`, { cause: failure });
}
