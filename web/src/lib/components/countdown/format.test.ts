import { describe, expect, test } from 'bun:test';
import { formatClock, milestone } from './format.ts';

describe('countdown format', () => {
  test('shows minutes and seconds, rounding up', () => {
    expect(formatClock(90_000)).toBe('1:30');
    expect(formatClock(1)).toBe('0:01');
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(-5)).toBe('0:00');
  });
  test('speaks only at milestones', () => {
    expect(milestone(30_000)).toBe('30 seconds left');
    expect(milestone(29_500)).toBe('30 seconds left');
    expect(milestone(25_000)).toBeNull();
    expect(milestone(0)).toBe('Time is up');
  });
});
