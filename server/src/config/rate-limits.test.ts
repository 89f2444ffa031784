import { describe, expect, test } from 'bun:test';
import { ConfigError, parseConfig } from './config.ts';
import { DEFAULT_RATE_LIMITS, LIMIT_NAMES } from './rate-limits.ts';

const problemsOf = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('rate limit configuration', () => {
  test('defaults are on, and a lecture hall of 500 behind one NAT fits the join and LTI limits', () => {
    const c = parseConfig({});
    expect(c.rateLimits.enabled).toBe(true);
    expect(c.rateLimits.limits).toEqual(DEFAULT_RATE_LIMITS);
    // Look-up + join per student, plus a reload each: 1500 hits in a minute must pass.
    expect(c.rateLimits.limits.join_ok.limit).toBeGreaterThanOrEqual(1500);
    expect(c.rateLimits.limits.join_ok.windowMs).toBeLessThanOrEqual(60_000);
    expect(c.rateLimits.limits.lti_login.limit).toBeGreaterThanOrEqual(1000);
    expect(c.rateLimits.limits.join_failed.limit).toBeLessThanOrEqual(20);
  });

  test('RATE_LIMIT_<NAME>=count/seconds overrides one limit', () => {
    const c = parseConfig({ RATE_LIMIT_JOIN_OK: '3000/60', RATE_LIMIT_WS_MESSAGES: '5/2' });
    expect(c.rateLimits.limits.join_ok).toEqual({ limit: 3000, windowMs: 60_000 });
    expect(c.rateLimits.limits.ws_messages).toEqual({ limit: 5, windowMs: 2000 });
    expect(c.rateLimits.limits.votes).toEqual(DEFAULT_RATE_LIMITS.votes);
  });

  test('every limit has its variable', () => {
    for (const name of LIMIT_NAMES) {
      const c = parseConfig({ [`RATE_LIMIT_${name.toUpperCase()}`]: '7/3' });
      expect(c.rateLimits.limits[name]).toEqual({ limit: 7, windowMs: 3000 });
    }
  });

  test('a malformed or unknown limit variable is named with the expected form', () => {
    expect(problemsOf({ RATE_LIMIT_JOIN_OK: 'lots' })).toContain(
      'RATE_LIMIT_JOIN_OK="lots" is not a limit; expected count/seconds',
    );
    expect(problemsOf({ RATE_LIMIT_VOTES: '0/10' })).toContain('RATE_LIMIT_VOTES="0/10"');
    expect(problemsOf({ RATE_LIMIT_VOTES: '10/0' })).toContain('RATE_LIMIT_VOTES="10/0"');
    expect(problemsOf({ RATE_LIMIT_JOINS: '1/1' })).toContain('RATE_LIMIT_JOINS is not a known limit');
    expect(problemsOf({ RATE_LIMITS: 'maybe' })).toContain('RATE_LIMITS="maybe" is not allowed');
  });

  test('RATE_LIMITS=off switches limits off, but is refused in production', () => {
    expect(parseConfig({ RATE_LIMITS: 'off' }).rateLimits.enabled).toBe(false);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        RATE_LIMITS: 'off',
        PUBLIC_ORIGIN: 'https://handsup.example.edu',
        JWT_SECRETS: `k1:${'x'.repeat(40)}`,
        HANDSUP_ENCRYPTION_KEY: 'y'.repeat(40),
      }),
    ).toContain('RATE_LIMITS=off is refused when NODE_ENV=production');
  });
});
