/**
 * Session lifecycle events. Functions that change a session's live state also announce it: in-process
 * listeners (the poll engine closes open polls when a session stops) and the cross-node bus channel
 * `session-lifecycle` (every node, e.g. to close sockets of a deleted session).
 */
import type { AppDeps } from '../../http/context.ts';

export const LIFECYCLE_CHANNEL = 'session-lifecycle';
export interface SessionLifecycleEvent {
  type:
    | 'session.started'
    | 'session.stopped'
    | 'session.archived'
    | 'session.deleted'
    | 'session.restored'
    | 'session.purged';
  sessionId: string;
  at: number;
}
type Listener = (event: SessionLifecycleEvent) => void | Promise<void>;
const listeners = new WeakMap<object, Set<Listener>>();

/** Registers a listener for this app's session lifecycle (awaited before the change is answered). */
export function onSessionLifecycle(deps: AppDeps, listener: Listener): () => void {
  let set = listeners.get(deps);
  if (!set) {
    set = new Set();
    listeners.set(deps, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

export async function announce(deps: AppDeps, event: SessionLifecycleEvent): Promise<void> {
  for (const l of listeners.get(deps) ?? []) {
    try {
      await l(event);
    } catch (e) {
      deps.log.error('session lifecycle listener failed', { type: event.type, err: (e as Error).message });
    }
  }
  await deps.crossNode.bus.publish(LIFECYCLE_CHANNEL, event).catch((e) => {
    deps.log.warn('session lifecycle event not published', { type: event.type, err: (e as Error).message });
  });
}
