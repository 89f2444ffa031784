/** @handsup/protocol — the one source of truth for everything on the wire. */
export * from './errors.ts';
export * from './topics.ts';
