/** Answer controls for every poll type. */
export { default as AnswerForm } from './AnswerForm.svelte';
export { default as ChoiceAnswer } from './ChoiceAnswer.svelte';
export { type Draft, draftFrom, toAnswer } from './draft.ts';
