/**
 * Parsing of incoming frames. This runs on the vote hot path, so each message type has its own
 * precompiled TypeBox checker (picked by `type`, no trial of every union member); the slower error
 * explanation runs only for frames that fail, and names the field at fault.
 *
 * @example
 *   const r = parseClientMessage(frame);
 *   if (!r.ok) return sendError(r.error); // AppError: malformed_json | validation_failed | payload_too_large
 *   if (r.message.type === 'vote.cast') castVote(r.message);
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { AppError } from './errors.ts';
import { ClientMessage, MAX_CLIENT_MESSAGE_BYTES, ServerMessage } from './ws.ts';

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: AppError };

type Checkers = Map<string, { schema: TSchema; check: { Check: (value: unknown) => boolean } }>;

const variants = (union: { anyOf: TSchema[] }, compile: boolean): Checkers => {
  const map: Checkers = new Map();
  for (const schema of union.anyOf) {
    const check = compile ? TypeCompiler.Compile(schema) : { Check: (v: unknown) => Value.Check(schema, v) };
    map.set(schema.properties.type.const, { schema, check });
  }
  return map;
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let clientCheckers: Checkers | undefined;
let serverCheckers: Checkers | undefined;

const pointerToField = (path: string): string =>
  path
    .split('/')
    .filter((p) => p !== '')
    .join('.');

/** The first error of `value` against `schema`, descending into `type`-discriminated unions. */
const explain = (schema: TSchema, value: unknown, base = ''): { field: string; message: string } => {
  const first = Value.Errors(schema, value).First();
  if (!first) return { field: pointerToField(base) || 'type', message: 'invalid value' };
  const at = first.value as { type?: unknown } | undefined;
  if (first.schema[Kind] === 'Union' && at && typeof at === 'object' && typeof at.type === 'string') {
    const variant = (first.schema.anyOf as TSchema[]).find((s) => s.properties?.type?.const === at.type);
    if (variant) return explain(variant, at, base + first.path);
    return { field: pointerToField(`${base}${first.path}/type`), message: `unknown type '${at.type}'` };
  }
  return { field: pointerToField(base + first.path), message: first.message };
};

const parseWith = <T>(raw: string | Uint8Array, checkers: Checkers, maxBytes: number): ParseResult<T> => {
  const bytes =
    typeof raw === 'string'
      ? raw.length * 3 <= maxBytes
        ? raw.length
        : encoder.encode(raw).byteLength
      : raw.byteLength;
  if (bytes > maxBytes) {
    return {
      ok: false,
      error: new AppError('payload_too_large', `Message is larger than ${maxBytes} bytes.`),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : decoder.decode(raw));
  } catch {
    return { ok: false, error: new AppError('malformed_json', 'Message is not valid JSON.') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      error: new AppError('validation_failed', 'Message must be a JSON object.', { field: 'type' }),
    };
  }
  const type = (value as { type?: unknown }).type;
  const entry = typeof type === 'string' ? checkers.get(type) : undefined;
  if (!entry) {
    const what =
      typeof type === 'string' ? `Unknown message type '${type.slice(0, 40)}'.` : 'Message has no type.';
    return { ok: false, error: new AppError('validation_failed', what, { field: 'type' }) };
  }
  if (entry.check.Check(value)) return { ok: true, message: value as T };
  const { field, message } = explain(entry.schema, value);
  return {
    ok: false,
    error: new AppError('validation_failed', `${type}: ${field}: ${message}`, { field }),
  };
};

/**
 * Parses one client frame (text, or UTF-8 bytes) into a typed ClientMessage.
 * Failures are AppErrors: `payload_too_large` (> MAX_CLIENT_MESSAGE_BYTES), `malformed_json`, or
 * `validation_failed` with `field` naming the offending field (`type` for an unknown message type).
 */
export const parseClientMessage = (raw: string | Uint8Array): ParseResult<ClientMessage> => {
  clientCheckers ??= variants(ClientMessage, true);
  return parseWith<ClientMessage>(raw, clientCheckers, MAX_CLIENT_MESSAGE_BYTES);
};

/**
 * Parses one server frame (for the web client and tests). Interpreted, not compiled: compiled checkers
 * use `new Function`, which a strict Content-Security-Policy forbids in the browser. Limit 8 MiB.
 */
export const parseServerMessage = (raw: string | Uint8Array): ParseResult<ServerMessage> => {
  serverCheckers ??= variants(ServerMessage, false);
  return parseWith<ServerMessage>(raw, serverCheckers, 8 * 1024 * 1024);
};
