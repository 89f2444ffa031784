/** REST request and response bodies (`@handsup/protocol/rest`), shared by server routes and web pages. */
export * from './audit.ts';
export * from './auth.ts';
export * from './join.ts';
export * from './sessions.ts';
