import { expect, test } from 'bun:test';
import { parseArgs } from './args.ts';

test('defaults match the issue: 2,000 students, a 10 s window, embedded', () => {
  expect(parseArgs([])).toMatchObject({
    students: 2000,
    windowS: 10,
    mode: 'embedded',
    nodes: 1,
    baseline: true,
  });
});

test('a wrong value is refused with the option named', () => {
  expect(() => parseArgs(['--students', 'lots'])).toThrow('--students must be a number');
  expect(() => parseArgs(['--mode', 'mongo'])).toThrow('--mode must be');
});

test('cluster mode defaults to two nodes', () => {
  expect(parseArgs(['--mode', 'cluster']).nodes).toBe(2);
  expect(parseArgs(['--mode', 'cluster', '--nodes', '3']).nodes).toBe(3);
});
