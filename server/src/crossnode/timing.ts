/** Timings shared by both implementations, so the embedded and cluster shapes behave the same. */

/** A node's presence entries are dropped this long after its last heartbeat (or join). */
export const PRESENCE_TTL_MS = 10_000;

/** How often a node should call `presence.heartbeat`: a third of the TTL tolerates two lost beats. */
export const PRESENCE_HEARTBEAT_MS = 3_000;

/** Default bound on `ping()`, and on every Redis command (/readyz must never hang). */
export const DEFAULT_PING_TIMEOUT_MS = 1_000;
