/**
 * The one place where errors become HTTP answers: AppError -> its catalog status, schema failures ->
 * 400 `validation_failed` naming the field, unparseable bodies -> 400 `malformed_json`, unknown API
 * routes -> JSON 404. Anything else is logged and answered as a bare 500 without details.
 */
import { AppError, type ErrorBody } from '@handsup/protocol';
import { Elysia, ValidationError } from 'elysia';
import type { Logger } from '../observability/logger.ts';

const fieldOf = (path: string | undefined): string | undefined =>
  path ? path.replace(/^\//, '').replace(/\//g, '.') || undefined : undefined;

/**
 * PostgreSQL refuses U+0000 in text (22021) and in jsonb (22P05). Schemas let it through (it is valid
 * JSON), so it is bad input, not a server fault, whichever route or driver (error or its cause) met it.
 */
const UNSTORABLE = new Set(['22021', '22P05']);
function unstorableText(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if (UNSTORABLE.has(String((e as { code?: unknown }).code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function toErrorResponse(
  error: unknown,
  log: Logger,
): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterS !== undefined)
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterS)));
    return { status: error.status, body: error.toBody(), headers };
  }
  if (unstorableText(error)) {
    return {
      status: 400,
      body: new AppError(
        'validation_failed',
        'The request holds a character that cannot be stored (NUL, U+0000); remove it.',
      ).toBody(),
    };
  }
  if (error instanceof ValidationError) {
    const first = error.all[0] as { path?: string; message?: string; summary?: string } | undefined;
    const field = fieldOf(first?.path);
    const where = error.type === 'body' ? 'body' : error.type;
    const what = first?.summary ?? first?.message ?? 'does not match the expected shape';
    const message = field ? `${field}: ${what}` : `The request ${where} is invalid: ${what}`;
    return { status: 400, body: new AppError('validation_failed', message, { field }).toBody() };
  }
  log.error('unhandled error', {
    err:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return {
    status: 500,
    body: new AppError('internal', 'Something went wrong on our side. Please try again.').toBody(),
  };
}

/** Global error mapping for every route mounted after it. */
export const errorHandling = (log: Logger) =>
  new Elysia({ name: 'error-handling' }).onError({ as: 'global' }, ({ code, error, request }) => {
    const path = new URL(request.url).pathname;
    let mapped: ReturnType<typeof toErrorResponse>;
    if (code === 'NOT_FOUND') {
      mapped = {
        status: 404,
        body: new AppError('not_found', `No API route ${request.method} ${path}.`).toBody(),
      };
    } else if (code === 'PARSE') {
      mapped = {
        status: 400,
        body: new AppError(
          'malformed_json',
          'The request body is not valid JSON (or not the declared content type).',
        ).toBody(),
      };
    } else {
      mapped = toErrorResponse(error, log);
    }
    return new Response(JSON.stringify(mapped.body), {
      status: mapped.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...mapped.headers },
    });
  });
