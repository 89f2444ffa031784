/**
 * The one permission table: role × action -> allowed. Every REST route and every WebSocket message
 * resolves the caller's role in the session or course at hand (SessionAccess) and asks `can`.
 * Pure data: changing who may do what is a one-line change here, and the authorization matrix test
 * (server/src/modules/access-matrix.test.ts) fails if a route stops asking.
 *
 * @example can('co_teacher', 'poll.run') === true; can('guest', 'results.read_teacher') === false
 */
import type { Role } from './principal.ts';

const STAFF: Role[] = ['admin', 'teacher', 'co_teacher'];
const OWNERS: Role[] = ['admin', 'teacher'];
const AUDIENCE: Role[] = ['student', 'guest'];
const EVERYONE: Role[] = [...STAFF, ...AUDIENCE];

export const PERMISSIONS = {
  // Accounts-wide
  'session.create': ['admin', 'teacher'],
  'course.create': ['admin', 'teacher'],
  'audit.read': ['admin'],
  // Courses (role in the course)
  'course.read': STAFF,
  'course.update': STAFF,
  'course.delete': OWNERS,
  'course.members_manage': OWNERS,
  'course.add_session': STAFF,
  // Sessions (role in the session)
  'session.read_teacher': STAFF,
  'session.read_student': EVERYONE,
  'session.update': STAFF,
  'session.duplicate': STAFF,
  'session.start_stop': STAFF,
  'session.archive': OWNERS,
  'session.delete': OWNERS,
  'session.members_manage': OWNERS,
  'session.join_code_regenerate': STAFF,
  'participants.read': STAFF,
  'participant.kick': STAFF,
  // Polls, votes, results (poll engine and realtime gateway)
  'poll.edit': STAFF,
  'poll.run': STAFF,
  'vote.cast': AUDIENCE,
  'results.read_teacher': STAFF,
  'results.read_student': EVERYONE,
  'results.release': STAFF,
  'responses.export': STAFF,
  // The poll engine's names (modules/polls/access.ts) for the same rules.
  'poll.manage': STAFF,
  'poll.vote': AUDIENCE,
  'session.stop': STAFF,
  'results.read': STAFF,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** Whether `role` may perform `action`; no role (null) may do nothing. */
export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role) return false;
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}
