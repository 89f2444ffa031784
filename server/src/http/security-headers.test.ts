import { describe, expect, test } from 'bun:test';
import { applySecurityHeaders, frameAncestorsDirective } from './security-headers.ts';

describe('security headers', () => {
  const apply = (type: string, https = false, ancestors: string[] = []) =>
    applySecurityHeaders(
      new Response('x', { headers: { 'content-type': type, 'x-frame-options': 'DENY' } }),
      {
        https,
        frameAncestors: () => ancestors,
      },
    ).headers;

  test('every response gets nosniff, a referrer policy and a permissions policy', () => {
    const h = apply('application/json');
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(h.get('permissions-policy')).toContain('camera=()');
  });

  test('HTML may be framed by the configured and LTI platform origins, never via X-Frame-Options', () => {
    const h = apply('text/html; charset=utf-8', false, [
      'https://canvas.school.edu',
      'https://moodle.school.edu',
    ]);
    expect(h.get('content-security-policy')).toBe(
      "frame-ancestors 'self' https://canvas.school.edu https://moodle.school.edu",
    );
    expect(h.get('x-frame-options')).toBeNull();
  });

  test('API answers deny everything, including framing (even by origins that may frame pages)', () => {
    expect(
      apply('application/json', false, ['https://canvas.school.edu']).get('content-security-policy'),
    ).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });

  test('HSTS only behind HTTPS', () => {
    expect(apply('text/html').get('strict-transport-security')).toBeNull();
    expect(apply('text/html', true).get('strict-transport-security')).toContain('max-age=31536000');
  });

  test('an origin that could break out of the directive is dropped', () => {
    expect(frameAncestorsDirective(['https://ok.edu', "https://x.edu; script-src 'unsafe-inline'"])).toBe(
      "frame-ancestors 'self' https://ok.edu",
    );
  });
});
