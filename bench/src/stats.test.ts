import { expect, test } from 'bun:test';
import { percentile, processUsage } from './stats.ts';

test('percentiles use the nearest-rank method', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(v, 50)).toBe(50);
  expect(percentile(v, 99)).toBe(99);
  expect(percentile(v, 100)).toBe(100);
  expect(percentile([], 50)).toBeNull();
});

test('reads this process’s memory and CPU from /proc', () => {
  const u = processUsage(process.pid);
  expect(u).not.toBeNull();
  expect(u!.rssMb).toBeGreaterThan(1);
});
