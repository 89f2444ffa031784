/**
 * Headers on every response. HTML pages get their script policy from SvelteKit (nonces, see
 * web/vite.config.ts); here we add what must be decided at run time: `frame-ancestors` (configured
 * origins plus the origins of registered LTI platforms — LMS pages frame Handsup, so no
 * X-Frame-Options), HSTS behind HTTPS, and the fixed hardening headers. API and other non-HTML
 * responses get a deny-everything CSP.
 */
export interface SecurityHeaderOptions {
  /** Origins allowed to frame Handsup, already normalised (scheme://host[:port]). */
  frameAncestors: () => string[];
  /** True when the request reached us over HTTPS (directly or via a trusted proxy). */
  https: boolean;
}

const FIXED: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin-allow-popups',
};

export function frameAncestorsDirective(origins: string[]): string {
  const unique = [...new Set(origins)].filter((o) => /^https?:\/\/[^\s;,'"]+$/.test(o));
  return `frame-ancestors 'self'${unique.length ? ` ${unique.join(' ')}` : ''}`;
}

/** Adds the security headers to `response` (in place) and returns it. */
export function applySecurityHeaders(response: Response, opts: SecurityHeaderOptions): Response {
  const h = response.headers;
  for (const [k, v] of Object.entries(FIXED)) if (!h.has(k)) h.set(k, v);
  if (opts.https) h.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  h.delete('x-frame-options');
  const type = h.get('content-type') ?? '';
  const ancestors = frameAncestorsDirective(opts.frameAncestors());
  if (type.startsWith('text/html')) {
    // A second CSP header is enforced together with SvelteKit's: the effective policy is the stricter.
    h.append('content-security-policy', ancestors);
  } else if (!h.has('content-security-policy')) {
    h.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  }
  return response;
}
