/** @handsup/protocol — the one source of truth for everything on the wire. */
export * from './errors.ts';
export * from './topics.ts';
export * from './strict.ts';
export * from './polls.ts';
export * from './answers.ts';
export * from './results.ts';
export * from './ws.ts';
export * from './ws-parse.ts';
