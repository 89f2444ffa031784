import { describe, expect, test } from 'bun:test';
import { ServerClock } from './server-clock.ts';

describe('server clock', () => {
  test('a phone whose clock is 3 minutes slow still counts down to the server deadline', () => {
    const clock = new ServerClock();
    const serverNow = 1_000_000;
    const phoneNow = serverNow - 180_000;
    clock.sample(serverNow, phoneNow);
    expect(clock.msUntil(serverNow + 30_000, phoneNow)).toBe(30_000);
    expect(clock.msUntil(serverNow + 30_000, phoneNow + 10_000)).toBe(20_000);
  });

  test('a round-trip sample beats a one-way sample and is corrected by half the round trip', () => {
    const clock = new ServerClock();
    clock.sample(5_000, 1_000); // one-way: offset 4000, uncertain
    clock.sample(5_100, 1_000, 200); // pong: the server read its clock ~100 ms before we received
    expect(clock.offsetMs).toBe(4_200);
  });

  test('keeps the more precise sample when a slower round trip comes later', () => {
    const clock = new ServerClock();
    clock.sample(5_000, 1_000, 20);
    clock.sample(5_600, 1_000, 900);
    expect(clock.offsetMs).toBe(4_010);
  });

  test('follows a local clock that jumped by more than a few seconds', () => {
    const clock = new ServerClock();
    clock.sample(5_000, 1_000, 10);
    clock.sample(5_000, 60_000, 400);
    expect(clock.offsetMs).toBe(5_000 - 60_000 + 200);
  });

  test('time left is never negative', () => {
    const clock = new ServerClock();
    clock.sample(10_000, 10_000);
    expect(clock.msUntil(9_000, 10_000)).toBe(0);
  });
});
