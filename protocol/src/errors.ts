/**
 * The one error catalog. Every error that leaves the server carries one of these codes, mapped here —
 * once — to an HTTP status and a WebSocket close code. Close codes 4000–4499 mean "reconnect",
 * 4500–4999 mean "do not reconnect" (see docs/protocol.md).
 *
 * @example
 *   throw new AppError('poll_closed', 'This poll has closed.');
 *   // REST: 409 {"error":{"code":"poll_closed","message":"This poll has closed."}}
 */
export const ERROR_CATALOG = {
  validation_failed: { status: 400, close: 4400 },
  malformed_json: { status: 400, close: 4400 },
  unauthenticated: { status: 401, close: 4501 },
  token_expired: { status: 401, close: 4001 },
  token_revoked: { status: 401, close: 4502 },
  forbidden: { status: 403, close: 4503 },
  csrf_rejected: { status: 403, close: 4503 },
  not_found: { status: 404, close: 4404 },
  session_unavailable: { status: 404, close: 4504 },
  session_not_live: { status: 409, close: 4505 },
  session_archived: { status: 409, close: 4506 },
  conflict: { status: 409, close: 4409 },
  poll_closed: { status: 409, close: 4410 },
  poll_not_open: { status: 409, close: 4411 },
  answer_locked: { status: 409, close: 4412 },
  payload_too_large: { status: 413, close: 4513 },
  unsupported_media_type: { status: 415, close: 4415 },
  rate_limited: { status: 429, close: 4429 },
  rate_limited_terminal: { status: 429, close: 4529 },
  lti_launch_failed: { status: 400, close: 4520 },
  protocol_version: { status: 400, close: 4507 },
  kicked: { status: 403, close: 4508 },
  session_ended: { status: 409, close: 4509 },
  server_shutting_down: { status: 503, close: 4001 },
  unavailable: { status: 503, close: 4003 },
  internal: { status: 500, close: 4011 },
} as const satisfies Record<string, { status: number; close: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The body of every API error: `{"error": {"code", "message", "field"?}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; retryAfterS?: number };
}

/** Close codes for which a client should reconnect (4000–4499) — the rest are terminal. */
export const shouldReconnect = (closeCode: number): boolean =>
  closeCode < 4000 || (closeCode >= 4000 && closeCode < 4500);

/** One error class for the whole system: a catalog code, a human sentence, optionally the field at fault. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfterS?: number;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { field?: string; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.retryAfterS = opts.retryAfterS;
  }
  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
  get closeCode(): number {
    return ERROR_CATALOG[this.code].close;
  }
  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message };
    if (this.field) error.field = this.field;
    if (this.retryAfterS !== undefined) error.retryAfterS = this.retryAfterS;
    return { error };
  }
}
