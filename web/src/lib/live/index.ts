/** Live session state shared by the student, teacher and presenter pages. */
export { type AnswerStatus, initialLiveState, type LiveState, reduce } from './live-state.ts';
export { LiveSession, type LiveSessionOptions } from './live-session.svelte.ts';
export { describeAnswer } from './describe-answer.ts';
export { nextPollAfter } from './next-poll.ts';
export { TeacherControl } from './teacher-control.svelte.ts';
