/**
 * Everything about a poll that leaves the server passes through here, with the viewer's role.
 * Allowlists, not blocklists: a student view is built field by field, so a new stored field never
 * leaks by default. Students never see the correct answer before it is released, never see results
 * the poll's visibility hides, and never see other students' names.
 */
import type { PollStudentView, PollView, PublicPollSettings, ResultsView } from '@handsup/protocol';
import type { EffectiveAnonymity, Poll, Viewer } from './poll.ts';

const ms = (d: Date | null) => (d === null ? null : d.getTime());

/** The poll's anonymity with `inherit` resolved against the session (default `teacher_only`). */
export const effectiveAnonymity = (poll: Pick<Poll, 'settings'>, viewer: Viewer): EffectiveAnonymity =>
  poll.settings.anonymity === 'inherit'
    ? (viewer.sessionAnonymity ?? 'teacher_only')
    : poll.settings.anonymity;

/**
 * Whether students and the projector see results now: `live` always (once opened), `after_close`
 * once closed, `on_reveal` only when released; releasing shows them whatever the setting.
 */
export const audienceSeesResults = (poll: Pick<Poll, 'status' | 'settings' | 'resultsReleased'>): boolean => {
  if (poll.status === 'draft') return false;
  if (poll.resultsReleased) return true;
  switch (poll.settings.resultsVisibility) {
    case 'live':
      return true;
    case 'after_close':
      return poll.status === 'closed';
    case 'on_reveal':
      return false;
  }
};

/** Teachers always see results; everyone else per `audienceSeesResults`. */
export const canSeeResults = (
  poll: Pick<Poll, 'status' | 'settings' | 'resultsReleased'>,
  viewer: Viewer,
): boolean => viewer.role === 'teacher' || audienceSeesResults(poll);

/** Whether names may accompany answers for this viewer. Students: never. */
export const canSeeNames = (poll: Pick<Poll, 'settings'>, viewer: Viewer): boolean => {
  const a = effectiveAnonymity(poll, viewer);
  if (viewer.role === 'teacher') return a !== 'anonymous';
  if (viewer.role === 'presenter') return a === 'names_shown';
  return false;
};

const common = (poll: Poll) => ({
  id: poll.id,
  sessionId: poll.sessionId,
  position: poll.position,
  type: poll.type,
  prompt: poll.prompt,
  content: poll.content,
  status: poll.status,
  round: poll.round,
  openedAt: ms(poll.openedAt),
  closesAt: ms(poll.closesAt),
  closedAt: ms(poll.closedAt),
  resultsReleased: poll.resultsReleased,
  correctReleased: poll.correctReleased,
  audienceSeesResults: audienceSeesResults(poll),
});

/**
 * The poll for this viewer: the full PollView for a teacher, otherwise a PollStudentView whose
 * `correct` appears only once released.
 *
 * @example toPollView(poll, { role: 'student' }).correct // undefined until the teacher reveals it
 */
export function toPollView(poll: Poll, viewer: Viewer & { role: 'teacher' }): PollView;
export function toPollView(poll: Poll, viewer: Viewer): PollView | PollStudentView;
export function toPollView(poll: Poll, viewer: Viewer): PollView | PollStudentView {
  if (viewer.role === 'teacher') return { ...common(poll), settings: { ...poll.settings } };
  const s = poll.settings;
  const settings: PublicPollSettings = {
    resultsVisibility: s.resultsVisibility,
    allowAnswerChange: s.allowAnswerChange,
    anonymity: s.anonymity,
  };
  if (s.timerSeconds !== undefined) settings.timerSeconds = s.timerSeconds;
  const view: PollStudentView = { ...common(poll), settings };
  if (poll.correctReleased && s.correct) view.correct = s.correct;
  return view;
}

/**
 * Results for this viewer, or null when the viewer may not see them yet. Open-text names are kept
 * only where `canSeeNames` allows.
 */
export const toResultsView = (results: ResultsView, poll: Poll, viewer: Viewer): ResultsView | null => {
  if (!canSeeResults(poll, viewer)) return null;
  if (results.type !== 'open_text' || canSeeNames(poll, viewer)) return results;
  return { ...results, answers: results.answers.map(({ text }) => ({ text })) };
};
