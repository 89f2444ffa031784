/**
 * Platform JWKS cache: one fetched document per JWKS URL, kept for `ttlMs`; a token signed with a `kid`
 * the cached document does not list triggers one refetch (platforms rotate keys), rate-limited by
 * `minRefetchMs` so forged kids cannot make us hammer the platform.
 */
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface JwksCacheOptions {
  fetch?: FetchLike;
  ttlMs?: number;
  minRefetchMs?: number;
  now?: () => number;
  userAgent?: string;
}

export type JwksKeyResult =
  | { ok: true; key: CryptoKey; refetched: boolean }
  | { ok: false; reason: 'kid_unknown' | 'jwks_unavailable'; detail: string };

interface Entry {
  jwks: JSONWebKeySet;
  fetchedAt: number;
}

/**
 * @example
 *   const cache = new JwksCache();
 *   const r = await cache.getKey(platform.jwksUrl, header.kid);
 *   if (r.ok) await compactVerify(idToken, r.key, { algorithms: ['RS256'] });
 */
export class JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly doFetch: FetchLike;
  private readonly ttlMs: number;
  private readonly minRefetchMs: number;
  private readonly now: () => number;
  private readonly userAgent: string;
  /** Number of network fetches made, per URL (tests prove the refetch-on-unknown-kid). */
  readonly fetchCount = new Map<string, number>();

  constructor(opts: JwksCacheOptions = {}) {
    this.doFetch = opts.fetch ?? fetch;
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.minRefetchMs = opts.minRefetchMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.userAgent = opts.userAgent ?? 'Handsup-LTI/1.0';
  }

  /** The RS256 public key with this kid (or the only key when the token names none). */
  async getKey(jwksUrl: string, kid: string | undefined): Promise<JwksKeyResult> {
    let refetched = false;
    let entry = this.entries.get(jwksUrl);
    if (!entry || this.now() - entry.fetchedAt > this.ttlMs) {
      const fetched = await this.fetchJwks(jwksUrl);
      if ('error' in fetched) return { ok: false, reason: 'jwks_unavailable', detail: fetched.error };
      entry = fetched;
      refetched = true;
    }
    let jwk = pick(entry.jwks, kid);
    if (!jwk && !refetched && this.now() - entry.fetchedAt >= this.minRefetchMs) {
      const fetched = await this.fetchJwks(jwksUrl);
      if ('error' in fetched) return { ok: false, reason: 'jwks_unavailable', detail: fetched.error };
      entry = fetched;
      refetched = true;
      jwk = pick(entry.jwks, kid);
    }
    if (!jwk) {
      return { ok: false, reason: 'kid_unknown', detail: `key id "${kid ?? '(none)'}" is not in ${jwksUrl}` };
    }
    try {
      return { ok: true, key: (await importJWK({ ...jwk, alg: 'RS256' }, 'RS256')) as CryptoKey, refetched };
    } catch (e) {
      return {
        ok: false,
        reason: 'jwks_unavailable',
        detail: `key "${kid}" is not a usable RSA key: ${String(e)}`,
      };
    }
  }

  private async fetchJwks(url: string): Promise<Entry | { error: string }> {
    this.fetchCount.set(url, (this.fetchCount.get(url) ?? 0) + 1);
    try {
      const res = await this.doFetch(url, {
        headers: { accept: 'application/json', 'user-agent': this.userAgent },
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) return { error: `${url} answered HTTP ${res.status}` };
      const jwks = (await res.json()) as JSONWebKeySet;
      if (!jwks || !Array.isArray(jwks.keys)) return { error: `${url} did not return a JWKS document` };
      const entry = { jwks, fetchedAt: this.now() };
      this.entries.set(url, entry);
      return entry;
    } catch (e) {
      return { error: `${url} could not be fetched (${e instanceof Error ? e.message : String(e)})` };
    }
  }
}

function pick(jwks: JSONWebKeySet, kid: string | undefined): JWK | undefined {
  const rsa = jwks.keys.filter((k) => k.kty === 'RSA' && (k.use === undefined || k.use === 'sig'));
  if (kid === undefined) return rsa.length === 1 ? rsa[0] : undefined;
  return rsa.find((k) => k.kid === kid);
}
