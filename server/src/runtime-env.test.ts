import { expect, test } from 'bun:test';
import { missingRuntimeEnv, RUNTIME_ENV } from './runtime-env.ts';

test('the runtime settings a process lacks are named; set ones, whatever their value, are not', () => {
  expect(Object.keys(RUNTIME_ENV)).toContain('MIMALLOC_PURGE_DELAY');
  expect(missingRuntimeEnv({})).toEqual(Object.keys(RUNTIME_ENV));
  expect(missingRuntimeEnv({ ...RUNTIME_ENV })).toEqual([]);
  expect(missingRuntimeEnv({ ...RUNTIME_ENV, MIMALLOC_PURGE_DELAY: '100' })).toEqual([]);
});
