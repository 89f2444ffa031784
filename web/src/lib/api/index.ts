/** The REST client: one small module per resource; errors are ApiError with the catalog code. */
export * from './auth.ts';
export { ApiError, api } from './http.ts';
export * from './join.ts';
export * from './polls.ts';
export * from './sessions.ts';
export { currentAccessToken, currentUser, onUserChange, setAppSessionToken } from './tokens.ts';
