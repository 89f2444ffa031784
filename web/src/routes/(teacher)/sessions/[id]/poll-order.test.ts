import { describe, expect, test } from 'bun:test';
import { PollOrder } from './poll-order.ts';

type P = { id: string };
const list = (ids: string) => ids.split('').map((id) => ({ id }));
const ids = (polls: P[] | null) => polls?.map((p) => p.id).join('') ?? null;

/**
 * A server that holds an order, answers saves by hand (the test accepts or refuses each), and can be
 * read (or fail to be read) again.
 */
function server(initial: string) {
  let order = initial;
  const pending: { ids: string; answer: PromiseWithResolvers<P[]> }[] = [];
  let readable = true;
  return {
    io: {
      save: (next: string[]) => {
        const answer = Promise.withResolvers<P[]>();
        pending.push({ ids: next.join(''), answer });
        return answer.promise;
      },
      reload: async () => {
        if (!readable) throw new Error('offline');
        return list(order);
      },
    },
    /** Answers the oldest save still waiting. */
    async answer(accept: boolean) {
      for (let i = 0; i < 20 && pending.length === 0; i++) await Bun.sleep(1);
      const s = pending.shift();
      if (!s) throw new Error('no save is waiting');
      if (accept) {
        order = s.ids;
        s.answer.resolve(list(order));
      } else s.answer.reject(new Error('refused'));
    },
    unreadable() {
      readable = false;
    },
    get order() {
      return order;
    },
  };
}

/** Two keyboard moves on `abc` before the server answered either: a to 2nd (bac), then the last to 1st (cba). */
function twoQuickMoves() {
  const srv = server('abc');
  const order = new PollOrder(srv.io);
  const first = order.move(list('abc'), 0, 1)!;
  const second = order.move(first.next, 2, 0)!;
  return { srv, first, second };
}

describe('poll order', () => {
  test('a move shows at once and settles on the server’s answer', async () => {
    const srv = server('abc');
    const order = new PollOrder(srv.io);
    const m = order.move(list('abc'), 0, 2)!;
    expect(ids(m.next)).toBe('bca');
    expect(m.item.id).toBe('a');
    await srv.answer(true);
    expect(ids((await m.settled).polls)).toBe('bca');
  });

  test('two quick moves both refused: the list is the server’s, not the first move’s', async () => {
    const { srv, first, second } = twoQuickMoves();
    await srv.answer(false);
    await srv.answer(false);
    const a = await first.settled;
    const b = await second.settled;
    expect(a.polls).toBeNull(); // a newer move owns the screen
    expect(a.error).toBeInstanceOf(Error);
    expect(ids(b.polls)).toBe('abc'); // what the server holds, read again
    expect(b.error).toBeInstanceOf(Error);
  });

  test('the first move refused and the second saved: the second’s order, which carries both', async () => {
    const { srv, first, second } = twoQuickMoves();
    await srv.answer(false);
    await srv.answer(true);
    expect((await first.settled).polls).toBeNull();
    expect(ids((await second.settled).polls)).toBe('cba');
    expect(srv.order).toBe('cba');
  });

  test('an older move saved after a newer one was made does not take the screen back', async () => {
    const { srv, first, second } = twoQuickMoves();
    await srv.answer(true);
    expect((await first.settled).polls).toBeNull();
    await srv.answer(true);
    expect(ids((await second.settled).polls)).toBe('cba');
  });

  test('refused while the server cannot be read: the list before the move', async () => {
    const srv = server('abc');
    const order = new PollOrder(srv.io);
    const m = order.move(list('abc'), 2, 0)!;
    srv.unreadable();
    await srv.answer(false);
    const r = await m.settled;
    expect(ids(r.polls)).toBe('abc');
    expect(r.error).toBeInstanceOf(Error);
  });

  test('no move: same place, or out of the list', () => {
    const order = new PollOrder(server('ab').io);
    expect(order.move(list('ab'), 1, 1)).toBeNull();
    expect(order.move(list('ab'), 0, 2)).toBeNull();
    expect(order.move(list('ab'), 0, -1)).toBeNull();
    expect(order.move(list('ab'), 5, 0)).toBeNull();
  });
});
