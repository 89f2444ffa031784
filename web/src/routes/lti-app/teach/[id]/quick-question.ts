/**
 * The LTI teacher page's "add a question" form as a poll body: a prompt and 2–20 choices, one per
 * line (blank lines ignored), as a single-choice poll whose results students see live. Answers the
 * body, or a sentence saying what to fix.
 */
import type { PollCreate } from '@handsup/protocol';

export const MAX_CHOICES = 20;

export function quickQuestion(
  prompt: string,
  choicesText: string,
): PollCreate | { problem: string; field: 'prompt' | 'choices' } {
  const p = prompt.trim();
  if (!p) return { problem: 'Write the question.', field: 'prompt' };
  if (p.length > 500) return { problem: 'The question is longer than 500 characters.', field: 'prompt' };
  const choices = choicesText
    .split('\n')
    .map((c) => c.trim())
    .filter(Boolean);
  if (choices.length < 2) return { problem: 'Give at least two choices, one per line.', field: 'choices' };
  if (choices.length > MAX_CHOICES) return { problem: `At most ${MAX_CHOICES} choices.`, field: 'choices' };
  if (choices.some((c) => c.length > 200))
    return { problem: 'A choice is longer than 200 characters.', field: 'choices' };
  const body: PollCreate = {
    prompt: p,
    content: { type: 'single_choice', options: choices.map((text, i) => ({ id: `c${i + 1}`, text })) },
    settings: { resultsVisibility: 'live' },
  };
  return body;
}
