/**
 * Bounded fuzzing kit: a seeded PRNG (the seed is printed; `FUZZ_SEED=<n>` replays a run), values
 * generated from a JSON schema (OpenAPI / TypeBox), mutations of valid values, junk, and a write
 * detector. The detector reads the database's next transaction id: PostgreSQL assigns one only to a
 * transaction that writes, so an unchanged id across a request proves that request wrote nothing.
 */
import type { Database } from '../storage/database.ts';

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run's seed: FUZZ_SEED when set (replay), else `fallback`; printed either way. */
export function fuzzSeed(surface: string, fallback: number): number {
  const seed = Number(process.env.FUZZ_SEED ?? fallback);
  console.log(`fuzz ${surface}: seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return seed;
}

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
export const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u200b',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template-injection probe, on purpose
  '${7*7}',
  '=cmd|calc!A1',
  '😀'.repeat(40),
  'null',
  'undefined',
  '-1',
  '1e309',
  '__proto__',
  'constructor',
];

export function junk(r: Rng, depth = 0): unknown {
  const k = int(r, 0, depth > 2 ? 7 : 10);
  switch (k) {
    case 0:
      return null;
    case 1:
      return pick(r, [true, false]);
    case 2:
      return pick(r, [0, -1, 1, 2 ** 31, -(2 ** 53), 1e308, 0.5, Number.MAX_SAFE_INTEGER]);
    case 3:
      return pick(r, NASTY_STRINGS);
    case 4:
      return 'x'.repeat(int(r, 1, 5000));
    case 5:
      return crypto.randomUUID();
    case 6:
      // Any code point but lone surrogates (not encodable as UTF-8: no client could send them).
      return String.fromCodePoint(
        ...Array.from({ length: int(r, 1, 30) }, () => {
          const c = int(r, 0, 0x10ffff);
          return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
        }),
      );
    case 7:
      return int(r, -1000, 1000);
    case 8:
      return Array.from({ length: int(r, 0, 4) }, () => junk(r, depth + 1));
    case 9:
      return { [pick(r, ['type', 'id', '__proto__', 'a', 'constructor'])]: junk(r, depth + 1) };
    default:
      return Object.fromEntries(
        Array.from({ length: int(r, 0, 3) }, (_, i) => [`k${i}`, junk(r, depth + 1)]),
      );
  }
}

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
};

const stringFor = (r: Rng, s: Schema): string => {
  if (s.format === 'uuid' || /\[0-9a-fA-F\]\{8\}/.test(String(s.pattern ?? ''))) return crypto.randomUUID();
  if (s.format === 'email') return `fuzz${int(r, 0, 1e6)}@example.edu`;
  if (s.format === 'uri') return `https://lms${int(r, 0, 99)}.example/x`;
  const min = Number(s.minLength ?? 1);
  const max = Math.min(Number(s.maxLength ?? 40), 80);
  const len = Math.max(min, Math.min(max, int(r, min, Math.max(min, max))));
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789abcdefghijkmnopqrstuvwxyz';
  return Array.from({ length: len }, () => alphabet[int(r, 0, alphabet.length - 1)]).join('');
};

/** A value that plausibly matches `schema` (random where the schema leaves freedom). */
export function fromSchema(r: Rng, schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null;
  if ('const' in schema) return schema.const;
  if (schema.enum) return pick(r, schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts?.length) return fromSchema(r, pick(r, alts), depth + 1);
  const type = Array.isArray(schema.type) ? pick(r, schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [k, v] of Object.entries(schema.properties ?? {})) {
        if (required.has(k) || r() < 0.6) out[k] = fromSchema(r, v, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = Number(schema.minItems ?? 0);
      const max = Math.min(Number(schema.maxItems ?? 4), 6);
      return Array.from({ length: int(r, min, Math.max(min, max)) }, () =>
        fromSchema(r, schema.items, depth + 1),
      );
    }
    case 'string':
      return stringFor(r, schema);
    case 'integer':
    case 'number': {
      const lo = Number(schema.minimum ?? 0);
      const hi = Number(schema.maximum ?? lo + 100);
      return type === 'integer' ? int(r, lo, Math.min(hi, lo + 10_000)) : lo + r() * (hi - lo);
    }
    case 'boolean':
      return r() < 0.5;
    case 'null':
      return null;
    default:
      return junk(r);
  }
}

/** One mutation of a (usually valid) value: drop/add/retype a field, stretch a string, break a number. */
export function mutate(r: Rng, value: unknown, depth = 0): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 4) {
    const o = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(o);
    const op = int(r, 0, 4);
    if (op === 0 && keys.length) delete o[pick(r, keys)];
    else if (op === 1) o[pick(r, ['extra', 'isAdmin', 'role', '__proto__', 'id'])] = junk(r);
    else if (keys.length) {
      const k = pick(r, keys);
      o[k] = op === 2 ? junk(r) : mutate(r, o[k], depth + 1);
    } else o.x = junk(r);
    return o;
  }
  if (Array.isArray(value) && depth < 4) {
    const a = [...value];
    const op = int(r, 0, 3);
    if (op === 0 && a.length) a.splice(int(r, 0, a.length - 1), 1);
    else if (op === 1) a.push(a.length ? a[0] : junk(r));
    else if (op === 2 && a.length) a[int(r, 0, a.length - 1)] = mutate(r, a[0], depth + 1);
    else return Array.from({ length: int(r, 20, 300) }, () => (a.length ? a[0] : 1));
    return a;
  }
  if (typeof value === 'string') {
    return pick(r, [
      '',
      value + 'x'.repeat(int(r, 1, 20_000)),
      value.slice(0, -1),
      value.toUpperCase(),
      `${value}\u0000`,
      pick(r, NASTY_STRINGS),
      Number(value) || 42,
    ]);
  }
  if (typeof value === 'number') return pick(r, [-value, value + 1e9, 0.5, Number.NaN, `${value}`, null, -1]);
  return junk(r);
}

/** The write detector: the next transaction id changes only when some transaction wrote. */
export async function writeMark(db: Database): Promise<string> {
  const [row] = await db.query<{ x: string }>(
    'SELECT txid_snapshot_xmax(txid_current_snapshot())::text AS x',
  );
  return row.x;
}

/**
 * Whether any transaction that started after `before` (a writeMark) committed. A refused request may
 * open a transaction and roll it back — that consumes an id but leaves nothing behind, so only
 * committed transactions count as writes.
 */
export async function committedSince(db: Database, before: string): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM generate_series($1::bigint, txid_snapshot_xmax(txid_current_snapshot()) - 1) AS x
     WHERE txid_status(x) = 'committed'`,
    [before],
  );
  return row.n > 0;
}

/** Collects unhandled rejections / exceptions during a run (the caller removes the listener). */
export function watchProcess(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (e: unknown) =>
    problems.push(`unhandledRejection: ${String((e as Error)?.stack ?? e)}`);
  const onException = (e: unknown) => problems.push(`uncaughtException: ${String((e as Error)?.stack ?? e)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}
