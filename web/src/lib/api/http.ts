/**
 * The one way pages call `/api/*`: JSON in and out, errors as ApiError carrying the catalog code (pages
 * show `message` and mark `field`), and credentials chosen per call:
 * - `user`: the teacher's access token (memory only), refreshed once through the HttpOnly cookie when
 *   it expired; or, inside an LMS iframe, the LTI app-session token from sessionStorage.
 * - `participant`: a student's participant token for one join code (localStorage, see join.ts).
 */
import type { ErrorCode } from '@handsup/protocol';
import { currentAccessToken, refreshAccess } from './tokens.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Credentials = { kind: 'none' } | { kind: 'user' } | { kind: 'token'; token: string };

export interface RequestOptions {
  body?: unknown;
  auth?: Credentials;
  query?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

const withQuery = (path: string, query?: Record<string, string | undefined>) => {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

async function send(
  method: string,
  path: string,
  opts: RequestOptions,
  token: string | null,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await (opts.fetch ?? fetch)(withQuery(path, opts.query), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
}

async function toError(res: Response): Promise<ApiError> {
  try {
    const { error } = (await res.json()) as { error: { code: ErrorCode; message: string; field?: string } };
    return new ApiError(res.status, error.code, error.message, error.field);
  } catch {
    return new ApiError(res.status, 'internal', `The server answered ${res.status}.`);
  }
}

/** Calls the API; resolves with the parsed JSON body (or null for 204). */
export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const auth = opts.auth ?? { kind: 'user' };
  let token = auth.kind === 'token' ? auth.token : auth.kind === 'user' ? await currentAccessToken() : null;
  let res = await send(method, path, opts, token);
  if (res.status === 401 && auth.kind === 'user') {
    // The access token expired (or the page was reloaded): one refresh through the cookie, then retry.
    token = await refreshAccess();
    if (token) res = await send(method, path, opts, token);
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}
