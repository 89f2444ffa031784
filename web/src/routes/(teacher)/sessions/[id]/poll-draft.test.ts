import { describe, expect, test } from 'bun:test';
import type { PollView } from '@handsup/protocol';
import { changeType, newDraft, nextOptionId, toCreate, toUpdate } from './poll-draft.ts';

describe('poll drafts', () => {
  test('switching between choice types keeps the prompt and options but drops the correct answer', () => {
    const d = newDraft('single_choice');
    d.prompt = 'Capital?';
    d.settings.correct = { kind: 'choice', optionIds: ['o1'] };
    const m = changeType(d, 'multiple_choice');
    expect(m.prompt).toBe('Capital?');
    expect('options' in m.content && m.content.options.length).toBe(2);
    expect(m.settings.correct).toBeUndefined();
  });

  test('new option ids never collide with existing ones', () => {
    expect(nextOptionId([{ id: 'o1' }, { id: 'o3' }])).toBe('o4');
    expect(nextOptionId([{ id: 'o2' }])).toBe('o3');
  });

  test('create leaves out empty optional fields; update clears a removed timer with null', () => {
    const d = newDraft('rating');
    d.prompt = '  How clear was this?  ';
    const body = toCreate(d);
    expect(body).toEqual({
      prompt: 'How clear was this?',
      content: { type: 'rating', scale: 5 },
      settings: { resultsVisibility: 'live', allowAnswerChange: true, anonymity: 'inherit' },
    });
    const open = { status: 'open' } as PollView;
    const upd = toUpdate(d, open);
    expect(upd.settings?.timerSeconds).toBeNull();
    expect(upd.content).toBeUndefined();
  });
});
