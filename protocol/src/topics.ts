/**
 * Topic (room) names. Subscription to each is authorised per topic by the realtime gateway.
 *
 * @example topics.session('s1') === 'session:s1'
 */
export const topics = {
  /** Everyone in a session: students, teachers, presenter. */
  session: (sessionId: string) => `session:${sessionId}`,
  /** Teachers only: names, per-student answers, presence detail. */
  sessionTeacher: (sessionId: string) => `session:${sessionId}:teacher`,
  /** One participant's direct channel. */
  participant: (participantId: string) => `participant:${participantId}`,
  /** One user's channel across sessions (sign-out everywhere). */
  user: (userId: string) => `user:${userId}`,
} as const;
