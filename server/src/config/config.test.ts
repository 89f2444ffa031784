import { describe, expect, test } from 'bun:test';
import { ConfigError, parseConfig } from './config.ts';

const fails = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('configuration', () => {
  test('defaults give an embedded server on port 3000', () => {
    const c = parseConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect(c.publicOrigin).toBe('http://localhost:3000');
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });
  test('a non-numeric PORT names the variable and what is expected', () => {
    expect(fails({ PORT: 'abc' })).toContain('PORT="abc" is not a whole number from 0 to 65535');
  });
  test('a malformed DATABASE_URL names the variable without echoing credentials', () => {
    const msg = fails({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(msg).toContain('DATABASE_URL is not a valid URL');
    expect(msg).not.toContain('hunter2');
  });
  test('every bad variable is reported at once', () => {
    const msg = fails({ PORT: '99999', REDIS_URL: 'nope', LOG_LEVEL: 'loud' });
    expect(msg).toContain('PORT');
    expect(msg).toContain('REDIS_URL');
    expect(msg).toContain('LOG_LEVEL');
  });
  test('production refuses default or short secrets and plain http', () => {
    const msg = fails({ NODE_ENV: 'production', JWT_SECRETS: 'k1:secret', PUBLIC_ORIGIN: 'http://x.edu' });
    expect(msg).toContain('JWT_SECRETS key "k1" is too short');
    expect(msg).toContain('HANDSUP_ENCRYPTION_KEY is required');
    expect(msg).toContain('must be https://');
  });
  test('JWT_SECRETS lists rotating keys newest first', () => {
    const c = parseConfig({ JWT_SECRETS: 'k2:bbbbbbbb,k1:aaaaaaaa' });
    expect(c.jwtKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
  });
  test('secrets can come from *_FILE variables (Docker secrets)', async () => {
    const path = `/tmp/handsup-secret-${process.pid}`;
    await Bun.write(path, 'k9:from-a-file-secret\n');
    expect(parseConfig({ JWT_SECRETS_FILE: path }).jwtKeys[0]).toEqual({
      kid: 'k9',
      secret: 'from-a-file-secret',
    });
  });
});
