/**
 * Small schema builders shared by the protocol modules: every object is closed
 * (`additionalProperties: false`), so an unknown field is a validation error rather than silently stored.
 */
import { type ObjectOptions, type TProperties, Type } from '@sinclair/typebox';

/**
 * A closed object schema.
 *
 * @example const Point = strictObject({ x: Type.Number(), y: Type.Number() });
 */
export const strictObject = <T extends TProperties>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

/** A database id (PostgreSQL uuid). Checked by pattern, so a malformed id never reaches SQL. */
export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  maxLength: 36,
});

/** A point in time on the server clock: Unix epoch milliseconds. */
export const EpochMs = Type.Integer({ minimum: 0 });

/** Nullable variant of a schema. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
