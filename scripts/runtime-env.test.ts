import { describe, expect, test } from 'bun:test';
import runtimeEnv from '../server/src/runtime-env.json';
import { withRuntimeEnv } from './runtime-env.mjs';

describe("the server's runtime environment (decisions 0008, 0009)", () => {
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
    const allocator = Object.entries(runtimeEnv).filter(([name]) => name.startsWith('MIMALLOC_'));
    expect(allocator.length).toBeGreaterThan(0);
    for (const [name, value] of allocator) {
      const option = name.replace(/^MIMALLOC_/, '').toLowerCase();
      expect(printed).toContain(`option '${option}': ${value}`);
    }
  });

  test('is read by the JavaScript engine of the Bun that runs Handsup (decision 0009)', () => {
    // JSC lists the options set away from their defaults under BUN_JSC_dumpOptions=1; Bun refuses to
    // start on an option JSC no longer knows, so a renamed tier switch fails here, not in production.
    const r = Bun.spawnSync([process.execPath, '-e', '0'], {
      env: { ...process.env, ...runtimeEnv, BUN_JSC_dumpOptions: '1' },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(r.exitCode).toBe(0);
    const printed = r.stdout.toString() + r.stderr.toString();
    const engine = Object.entries(runtimeEnv).filter(([name]) => name.startsWith('BUN_JSC_'));
    expect(engine.map(([name]) => name).sort()).toEqual(['BUN_JSC_useFTLJIT', 'BUN_JSC_useOMGJIT']);
    for (const [name, value] of engine) {
      const option = name.replace(/^BUN_JSC_/, '');
      expect(value).toBe('0');
      expect(printed).toContain(`${option}=false (default: true)`);
    }
  });

  test('lists only settings some test above proves the runtime reads', () => {
    for (const name of Object.keys(runtimeEnv)) expect(name).toMatch(/^(MIMALLOC_|BUN_JSC_)/);
  });
});
