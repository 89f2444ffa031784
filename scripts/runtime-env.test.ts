import { describe, expect, test } from 'bun:test';
import runtimeEnv from '../server/src/runtime-env.json';
import { withRuntimeEnv } from './runtime-env.mjs';

describe("the server's runtime environment (decision 0008)", () => {
  test('is added to every task’s environment, and a value the operator set wins', () => {
    expect(withRuntimeEnv({ PATH: '/bin' })).toEqual({ ...runtimeEnv, PATH: '/bin' });
    expect(withRuntimeEnv({ MIMALLOC_PURGE_DELAY: '250' }).MIMALLOC_PURGE_DELAY).toBe('250');
  });

  test('is read by the allocator of the Bun that runs Handsup', () => {
    // mimalloc prints its options when MIMALLOC_VERBOSE is set: a Bun that dropped mimalloc or renamed
    // an option would silently ignore the setting, and the memory figures in README would no longer hold.
    const r = Bun.spawnSync([process.execPath, '-e', '0'], {
      env: { ...process.env, ...runtimeEnv, MIMALLOC_VERBOSE: '1' },
      stderr: 'pipe',
    });
    const printed = r.stderr.toString();
    for (const [name, value] of Object.entries(runtimeEnv)) {
      const option = name.replace(/^MIMALLOC_/, '').toLowerCase();
      expect(printed).toContain(`option '${option}': ${value}`);
    }
  });
});
