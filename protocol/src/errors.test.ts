import { describe, expect, test } from 'bun:test';
import { AppError, ERROR_CATALOG, shouldReconnect } from './errors.ts';

describe('error catalog', () => {
  test('every code maps to an HTTP status and a close code in the documented ranges', () => {
    for (const [code, { status, close }] of Object.entries(ERROR_CATALOG)) {
      expect(status >= 400 && status < 600, code).toBe(true);
      expect(close >= 4000 && close <= 4999, code).toBe(true);
    }
  });
  test('close codes below 4500 ask the client to reconnect, others do not', () => {
    expect(shouldReconnect(ERROR_CATALOG.server_shutting_down.close)).toBe(true);
    expect(shouldReconnect(ERROR_CATALOG.token_revoked.close)).toBe(false);
    expect(shouldReconnect(ERROR_CATALOG.session_ended.close)).toBe(false);
  });
  test('an AppError serialises to the API error body', () => {
    const e = new AppError('validation_failed', 'title is too long', { field: 'title' });
    expect(e.status).toBe(400);
    expect(e.toBody()).toEqual({
      error: { code: 'validation_failed', message: 'title is too long', field: 'title' },
    });
  });
});
