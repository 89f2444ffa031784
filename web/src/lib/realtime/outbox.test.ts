import { describe, expect, test } from 'bun:test';
import { type KeyValueStore, Outbox } from './outbox.ts';

const yes = { type: 'true_false', value: true } as const;
const no = { type: 'true_false', value: false } as const;

const memoryStore = (): KeyValueStore & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
};

describe('outbox', () => {
  test('an unacknowledged vote is written once per connection, with the same clientMsgId', () => {
    const box = new Outbox();
    box.add('p1', yes, 'm1');
    expect(box.takeUnsent(1).map((v) => v.clientMsgId)).toEqual(['m1']);
    expect(box.takeUnsent(1)).toEqual([]);
    expect(box.takeUnsent(2).map((v) => v.clientMsgId)).toEqual(['m1']);
  });

  test('an acknowledged vote is never sent again', () => {
    const box = new Outbox();
    box.add('p1', yes, 'm1');
    box.takeUnsent(1);
    expect(box.settle('m1')?.pollId).toBe('p1');
    expect(box.takeUnsent(2)).toEqual([]);
    expect(box.settle('m1')).toBeUndefined();
  });

  test('a changed answer replaces one that never left the phone', () => {
    const box = new Outbox();
    box.add('p1', yes, 'm1');
    box.add('p1', no, 'm2');
    expect(box.takeUnsent(1)).toMatchObject([{ clientMsgId: 'm2', value: no }]);
  });

  test('survives a reload when given a store, and is re-sent on the first new connection', () => {
    const store = memoryStore();
    const before = new Outbox(store);
    before.add('p1', yes, 'm1');
    before.takeUnsent(1);
    const after = new Outbox(store);
    expect(after.takeUnsent(1).map((v) => v.clientMsgId)).toEqual(['m1']);
    after.settle('m1');
    expect(store.data.size).toBe(0);
  });

  test('a corrupted store is discarded rather than crashing the page', () => {
    const store = memoryStore();
    store.setItem('handsup.outbox', '{not json');
    expect(new Outbox(store).size).toBe(0);
  });
});
