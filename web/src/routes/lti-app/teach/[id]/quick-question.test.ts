import { describe, expect, test } from 'bun:test';
import { quickQuestion } from './quick-question.ts';

describe('LTI quick question', () => {
  test('a prompt and choices one per line make a valid single-choice poll', () => {
    const body = quickQuestion('  Which organelle makes ATP? ', 'Mitochondria\n\n  Ribosome \nNucleus\n');
    expect(body).toEqual({
      prompt: 'Which organelle makes ATP?',
      content: {
        type: 'single_choice',
        options: [
          { id: 'c1', text: 'Mitochondria' },
          { id: 'c2', text: 'Ribosome' },
          { id: 'c3', text: 'Nucleus' },
        ],
      },
      settings: { resultsVisibility: 'live' },
    } as never);
  });

  test('says what to fix', () => {
    expect(quickQuestion(' ', 'a\nb')).toEqual({ problem: 'Write the question.', field: 'prompt' });
    expect(quickQuestion('Q', 'only one')).toMatchObject({ field: 'choices' });
    expect(quickQuestion('Q', Array.from({ length: 21 }, (_, i) => `o${i}`).join('\n'))).toMatchObject({
      field: 'choices',
    });
    expect(quickQuestion('Q', `a\n${'x'.repeat(201)}`)).toMatchObject({ field: 'choices' });
  });
});
