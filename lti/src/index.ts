/** @handsup/lti — LTI 1.3 tool (LTI Advantage) as an Elysia plugin on jose. Public surface. */
export * from './ags.ts';
export * from './claims.ts';
export * from './crypto-at-rest.ts';
export * from './deep-linking.ts';
export * from './dynamic-registration.ts';
export { APP_SESSION_STORAGE_KEY, escapeHtml } from './html-pages.ts';
export * from './jwks-cache.ts';
export * from './launch-failures.ts';
export * from './launch-validation.ts';
export * from './nrps.ts';
export * from './oidc-login.ts';
export * from './plugin.ts';
export * from './ports.ts';
export * from './role-mapping.ts';
export * from './service-token.ts';
export * from './tool-keys.ts';
