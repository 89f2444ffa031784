import { describe, expect, test } from 'bun:test';
import { type RenewedToken, renewalDelay, startRenewal, tokenTimes } from './renewal.ts';

const MIN = 60_000;
const b64url = (o: unknown) =>
  btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
/** An unsigned JWT-shaped token (the page never verifies; the server does). */
const jwt = (iatMs: number, expMs: number, n = 0) =>
  `${b64url({ alg: 'HS256' })}.${b64url({ iat: iatMs / 1000, exp: expMs / 1000, n })}.sig`;

/** Fake clock and timers: `advance` runs due timers in order, awaiting the promises they start. */
function fakeTime(start = 1_000_000_000_000) {
  let t = start;
  let seq = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        due.set(++seq, { at: t + ms, fn });
        return seq;
      },
      clearTimeout: (h: unknown) => void due.delete(h as number),
    },
    pending: () => due.size,
    async advance(ms: number) {
      const end = t + ms;
      for (;;) {
        const next = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        due.delete(next[0]);
        t = next[1].at;
        next[1].fn();
        for (let i = 0; i < 10; i++) await Promise.resolve();
      }
      t = end;
    },
  };
}

describe('LTI app-session renewal', () => {
  test('reads iat and exp from a JWT and refuses what is not one', () => {
    expect(tokenTimes(jwt(1000_000, 1900_000))).toEqual({ issuedAt: 1000_000, expiresAt: 1900_000 });
    expect(tokenTimes('hp_participant-token')).toBeNull();
    expect(tokenTimes('a.%%%.c')).toBeNull();
  });

  test('renews at half the lifetime, or two minutes before exp if the local clock says that is sooner', () => {
    const iat = 1_000_000_000_000;
    const token = jwt(iat, iat + 15 * MIN);
    expect(renewalDelay(token, iat)).toBe(7.5 * MIN);
    // A browser clock 10 minutes fast: renew 3 minutes from "now" (2 minutes before exp by that clock).
    expect(renewalDelay(token, iat + 10 * MIN)).toBe(3 * MIN);
    // Clock far ahead: renew now (the server decides whether the token is still good).
    expect(renewalDelay(token, iat + 20 * MIN)).toBe(0);
  });

  test('a 50-minute class: the token is renewed again and again, each new one handed on', async () => {
    const time = fakeTime();
    let current = jwt(time.now(), time.now() + 15 * MIN);
    const handed: string[] = [];
    let n = 0;
    const stop = startRenewal({
      getToken: () => current,
      renew: async (token): Promise<RenewedToken> => {
        expect(token).toBe(current);
        const expiresAt = time.now() + 15 * MIN;
        return { accessToken: jwt(time.now(), expiresAt, ++n), expiresAt };
      },
      onRenewed: (token) => {
        current = token;
        handed.push(token);
      },
      onExpired: () => {
        throw new Error('must not expire');
      },
      now: time.now,
      timers: time.timers,
    });
    await time.advance(50 * MIN);
    expect(handed.length).toBe(6); // at 7.5, 15, 22.5, 30, 37.5 and 45 minutes
    expect(tokenTimes(current)!.expiresAt).toBeGreaterThan(time.now());
    stop();
    expect(time.pending()).toBe(0);
  });

  test('a network failure is retried every 15 s; a refusal stops and reports', async () => {
    const time = fakeTime();
    const current = jwt(time.now(), time.now() + 15 * MIN);
    const outcomes: (Error | 'ok')[] = [Object.assign(new Error('offline'), { status: 0 }), 'ok'];
    let calls = 0;
    let renewed = 0;
    startRenewal({
      getToken: () => current,
      renew: async () => {
        calls++;
        const o = outcomes.shift() ?? Object.assign(new Error('This sign-in has ended.'), { status: 401 });
        if (o !== 'ok') throw o;
        return { accessToken: current, expiresAt: time.now() + 15 * MIN };
      },
      onRenewed: () => renewed++,
      now: time.now,
      timers: time.timers,
    });
    await time.advance(7.5 * MIN);
    expect(calls).toBe(1);
    await time.advance(15_000);
    expect(calls).toBe(2);
    expect(renewed).toBe(1);

    const time2 = fakeTime();
    let expired = '';
    startRenewal({
      getToken: () => jwt(time2.now(), time2.now() + 15 * MIN),
      renew: async () => {
        throw Object.assign(new Error('This sign-in has ended; sign in again.'), { status: 401 });
      },
      onRenewed: () => {},
      onExpired: (why) => {
        expired = why;
      },
      now: time2.now,
      timers: time2.timers,
    });
    await time2.advance(8 * MIN);
    expect(expired).toContain('sign-in has ended');
    expect(time2.pending()).toBe(0);
  });

  test('nothing is scheduled without a token, or after stop()', async () => {
    const time = fakeTime();
    startRenewal({
      getToken: () => null,
      renew: async () => ({ accessToken: '', expiresAt: 0 }),
      onRenewed: () => {},
      now: time.now,
      timers: time.timers,
    });
    expect(time.pending()).toBe(0);
    const stop = startRenewal({
      getToken: () => jwt(time.now(), time.now() + 15 * MIN),
      renew: async () => {
        throw new Error('must not be called');
      },
      onRenewed: () => {},
      now: time.now,
      timers: time.timers,
    });
    stop();
    await time.advance(30 * MIN);
  });
});
