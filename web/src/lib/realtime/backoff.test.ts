import { describe, expect, test } from 'bun:test';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

describe('reconnect backoff', () => {
  test('the ceiling doubles with each failed attempt', () => {
    const top = () => 0.999_999;
    expect(backoffDelay(0, top)).toBe(499);
    expect(backoffDelay(1, top)).toBe(999);
    expect(backoffDelay(2, top)).toBe(1999);
  });

  test('never exceeds the cap, even after many failures', () => {
    for (let attempt = 0; attempt < 60; attempt++) {
      expect(backoffDelay(attempt, () => 0.999_999)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });

  test('jitter spreads clients over the whole window but never below the floor', () => {
    expect(backoffDelay(5, () => 0)).toBe(DEFAULT_BACKOFF.minMs);
    const a = backoffDelay(5, () => 0.2);
    const b = backoffDelay(5, () => 0.8);
    expect(b).toBeGreaterThan(a);
  });
});
