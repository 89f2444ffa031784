import { describe, expect, test } from 'bun:test';
import { OrderedSaves } from './ordered-saves.ts';

/** A save whose answer the test gives by hand; `started` resolves when the save is called. */
function pendingSave<T>(log: string[], name: string) {
  const answer = Promise.withResolvers<T>();
  const started = Promise.withResolvers<void>();
  return {
    save: () => {
      log.push(`start ${name}`);
      started.resolve();
      return answer.promise;
    },
    started: started.promise,
    settle: () => answer,
  };
}

/** Two saves queued one after the other, neither answered yet. */
function twoSaves() {
  const saves = new OrderedSaves();
  const log: string[] = [];
  const a = pendingSave<string>(log, 'a');
  const b = pendingSave<string>(log, 'b');
  return { log, a, b, first: saves.run(a.save), second: saves.run(b.save) };
}

describe('ordered saves', () => {
  test('a save starts only after the one before it answered, and only the newest is current', async () => {
    const { log, a, b, first, second } = twoSaves();
    await a.started;
    await Bun.sleep(5);
    expect(log).toEqual(['start a']); // b waits for a's answer
    expect(first.newest()).toBe(false);
    expect(second.newest()).toBe(true);
    a.settle().resolve('order after a');
    expect(await first.done).toBe('order after a');
    await b.started;
    expect(log).toEqual(['start a', 'start b']);
    b.settle().resolve('order after b');
    expect(await second.done).toBe('order after b');
  });

  test('a failed save does not hold up the next one, and reports its own failure', async () => {
    const { a, b, first, second } = twoSaves();
    await a.started;
    a.settle().reject(new Error('refused'));
    await expect(first.done).rejects.toThrow('refused');
    await b.started;
    b.settle().resolve('saved');
    expect(await second.done).toBe('saved');
    expect(second.newest()).toBe(true);
  });

  test('a lone save starts at once', async () => {
    const saves = new OrderedSaves();
    const log: string[] = [];
    const a = pendingSave<number>(log, 'a');
    const only = saves.run(a.save);
    await a.started;
    expect(log).toEqual(['start a']);
    a.settle().resolve(1);
    expect(await only.done).toBe(1);
    expect(only.newest()).toBe(true);
  });
});
