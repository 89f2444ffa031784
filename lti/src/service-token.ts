/**
 * OAuth2 client_credentials with a `private_key_jwt` client assertion, for LTI Advantage services
 * (NRPS, AGS). Access tokens are cached per scope set until shortly before they expire. Every request
 * carries a User-Agent (Canvas refuses service calls without one).
 */
import type { FetchLike } from './jwks-cache.ts';
import type { Platform } from './ports.ts';
import type { ToolSigner } from './tool-keys.ts';

export class LtiServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly url: string,
  ) {
    super(message);
    this.name = 'LtiServiceError';
  }
}

export interface ServiceClientOptions {
  platform: Pick<Platform, 'clientId' | 'authTokenUrl'>;
  signer: ToolSigner;
  userAgent: string;
  fetch?: FetchLike;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * An authenticated client for one platform.
 * @example
 *   const client = new ServiceClient({ platform, signer, userAgent: 'Handsup/1.0 (+https://handsup.example)' });
 *   const res = await client.request(membershipsUrl, [SCOPES.nrps], { headers: { accept: MEDIA_TYPES.nrpsMembership } });
 */
export class ServiceClient {
  private readonly cache = new Map<string, CachedToken>();
  private readonly doFetch: FetchLike;
  private readonly now: () => number;
  /** How many tokens were requested from the platform (tests prove the cache). */
  tokenRequests = 0;

  constructor(private readonly opts: ServiceClientOptions) {
    this.doFetch = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
  }

  /** An access token for these scopes, from the cache when still valid for 30 s more. */
  async accessToken(scopes: string[]): Promise<string> {
    const key = [...new Set(scopes)].sort().join(' ');
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt - 30_000 > this.now()) return hit.token;
    const { clientId, authTokenUrl } = this.opts.platform;
    const assertion = await this.opts.signer.sign(
      { iss: clientId, sub: clientId, aud: authTokenUrl, jti: crypto.randomUUID() },
      { expiresInS: 300 },
    );
    this.tokenRequests++;
    const res = await this.doFetch(authTokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': this.opts.userAgent,
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: key,
      }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) {
      throw new LtiServiceError(
        `token endpoint answered ${res.status}: ${await safeText(res)}`,
        res.status,
        authTokenUrl,
      );
    }
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token)
      throw new LtiServiceError('token endpoint returned no access_token', res.status, authTokenUrl);
    this.cache.set(key, {
      token: body.access_token,
      expiresAt: this.now() + (body.expires_in ?? 3600) * 1000,
    });
    return body.access_token;
  }

  /** A service request with Bearer token and User-Agent. Does not throw on HTTP errors. */
  async request(url: string, scopes: string[], init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await this.accessToken(scopes)}`);
    headers.set('user-agent', this.opts.userAgent);
    return this.doFetch(url, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(15_000) });
  }
}

export async function safeText(res: Response): Promise<string> {
  try {
    return (await res.text()).slice(0, 300);
  } catch {
    return '';
  }
}
