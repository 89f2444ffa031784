/**
 * The small HTML pages of the LTI flow. Everything interpolated is escaped; data for scripts travels
 * as JSON in a `<script type="application/json">` block (with `<` escaped), never spliced into code.
 * Every page carries its own CSP with a per-response script nonce.
 */

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const jsonForScript = (data: unknown) => JSON.stringify(data).replaceAll('<', '\\u003c');

interface PageOptions {
  title: string;
  body: string;
  script?: string;
  data?: unknown;
  status?: number;
  headers?: Record<string, string>;
  /** Extra CSP directives, e.g. `frame-src https:` for a page that embeds a frame. */
  csp?: string;
}

/**
 * Render a complete page as a Response (no-store, no referrer, CSP with a script nonce).
 * @example
 *   return htmlPage({ title: 'Done', body: '<p>You can close this window.</p>' });
 */
export function htmlPage({
  title,
  body,
  script,
  data,
  status = 200,
  headers = {},
  csp,
}: PageOptions): Response {
  const nonce = crypto.randomUUID().replaceAll('-', '');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
code{background:#f2f2f2;padding:0 .25rem}.btn{display:inline-block;padding:.5rem 1rem;border:2px solid #1b4fa0;border-radius:.25rem;color:#1b4fa0;text-decoration:none;background:#fff;font-size:1rem;cursor:pointer}</style>
</head><body><main>
${body}
</main>${data === undefined ? '' : `<script type="application/json" id="lti-data">${jsonForScript(data)}</script>`}${
    script ? `<script nonce="${nonce}">${script}</script>` : ''
  }</body></html>`;
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; form-action 'self' https: http:; base-uri 'none'${csp ? `; ${csp}` : ''}`,
      ...headers,
    },
  });
}

/**
 * The accessible error page: what went wrong and what the LMS admin should check.
 * @example
 *   return errorPage({ message: 'Deployment 7 is not registered for this platform.', hint: 'Add it in Handsup.', reason: 'deployment_unknown' });
 */
export function errorPage(opts: {
  message: string;
  hint: string;
  reason: string;
  status?: number;
  newWindowUrl?: string;
}) {
  const retry = opts.newWindowUrl
    ? `<p><a class="btn" href="${escapeHtml(opts.newWindowUrl)}" target="_blank" rel="noopener">Open Handsup in a new window</a></p>`
    : '';
  return htmlPage({
    title: 'Handsup could not start from your course',
    status: opts.status ?? 400,
    body: `<h1>Handsup could not start from your course</h1>
<div role="alert"><p>${escapeHtml(opts.message)}</p></div>
<h2>What to check</h2><p>${escapeHtml(opts.hint)}</p>${retry}
<p>If you are a student or teacher, show this page to your LMS administrator. Reason code: <code>${escapeHtml(opts.reason)}</code></p>`,
  });
}

/** Shared script piece: talk to the platform frame with LTI postMessage platform storage. */
const PLATFORM_STORAGE_JS = `
const d = JSON.parse(document.getElementById('lti-data').textContent);
const key = 'handsup_lti_' + d.state;
function frame() { try { return d.target === '_parent' ? window.parent : window.parent.frames[d.target]; } catch (e) { return null; } }
function ask(subject, extra) {
  return new Promise((resolve) => {
    const f = frame();
    if (!d.target || !f || f === window) return resolve(null);
    const id = (crypto.randomUUID && crypto.randomUUID()) || String(Math.random());
    const timer = setTimeout(() => { removeEventListener('message', on); resolve(null); }, 2000);
    function on(e) {
      if (e.origin !== d.platformOrigin || !e.data || e.data.message_id !== id) return;
      clearTimeout(timer); removeEventListener('message', on);
      resolve(e.data.error ? null : e.data);
    }
    addEventListener('message', on);
    try { f.postMessage(Object.assign({ subject: subject, message_id: id, key: key }, extra), d.platformOrigin); } catch (e) { resolve(null); }
  });
}`;

/**
 * Login continuation: store the binding value in platform storage (when offered) and localStorage,
 * then go to the platform's authorization URL. The cookie travels in this response's headers.
 */
export function loginContinuePage(opts: {
  authUrl: string;
  state: string;
  binding: string;
  target?: string;
  platformOrigin: string;
  headers: Record<string, string>;
}) {
  return htmlPage({
    title: 'Connecting to Handsup…',
    headers: opts.headers,
    body: `<p>Connecting to Handsup… <a href="${escapeHtml(opts.authUrl)}">Continue</a></p>`,
    data: {
      authUrl: opts.authUrl,
      state: opts.state,
      binding: opts.binding,
      target: opts.target ?? null,
      platformOrigin: opts.platformOrigin,
    },
    script: `${PLATFORM_STORAGE_JS}
(async () => {
  await ask('lti.put_data', { value: d.binding });
  try { localStorage.setItem(key, d.binding); } catch (e) {}
  location.replace(d.authUrl);
})();`,
  });
}

/**
 * Launch without the cookie (third-party cookies blocked): recover the binding from platform storage
 * or localStorage and post the launch again; if neither has it, offer "open in a new window".
 */
export function launchRecoveryPage(opts: {
  launchUrl: string;
  idToken: string;
  state: string;
  target?: string;
  platformOrigin: string;
  newWindowUrl?: string;
}) {
  const fallback = opts.newWindowUrl
    ? `<p><a class="btn" href="${escapeHtml(opts.newWindowUrl)}" target="_blank" rel="noopener">Open Handsup in a new window</a></p>`
    : '<p>Please launch Handsup again from your course.</p>';
  return htmlPage({
    title: 'Connecting to Handsup…',
    body: `<p id="wait">Connecting to Handsup…</p>
<form id="f" method="post" action="${escapeHtml(opts.launchUrl)}">
<input type="hidden" name="id_token" value="${escapeHtml(opts.idToken)}">
<input type="hidden" name="state" value="${escapeHtml(opts.state)}">
<input type="hidden" name="lti_binding" value=""></form>
<div id="fallback" hidden><h1>Your browser blocked Handsup inside the course page</h1>
<p>Your browser's privacy settings stopped Handsup from finishing the sign-in inside this frame.</p>${fallback}</div>`,
    data: { state: opts.state, target: opts.target ?? null, platformOrigin: opts.platformOrigin },
    script: `${PLATFORM_STORAGE_JS}
(async () => {
  const r = await ask('lti.get_data', {});
  let v = r && r.value;
  if (!v) { try { v = localStorage.getItem(key); } catch (e) {} }
  try { localStorage.removeItem(key); } catch (e) {}
  if (v) { const f = document.getElementById('f'); f.elements.lti_binding.value = v; f.submit(); return; }
  document.getElementById('wait').hidden = true;
  document.getElementById('fallback').hidden = false;
})();`,
  });
}

/** sessionStorage key under which the web app finds the app-session token after a launch. */
export const APP_SESSION_STORAGE_KEY = 'handsup.lti.session';

/**
 * Hand the app-session token to the web app without cookies: put it in sessionStorage under
 * `handsup.lti.session` and replace the location with the landing URL; where sessionStorage is
 * unavailable, carry it in the URL fragment `#lti_session=…` (never sent to any server).
 */
export function tokenHandoffPage(opts: {
  token: string;
  redirectTo: string;
  headers?: Record<string, string>;
}) {
  return htmlPage({
    title: 'Opening Handsup…',
    headers: opts.headers,
    body: '<p>Opening Handsup…</p><noscript>Handsup needs JavaScript.</noscript>',
    data: { token: opts.token, to: opts.redirectTo, key: APP_SESSION_STORAGE_KEY },
    script: `const d = JSON.parse(document.getElementById('lti-data').textContent);
try { sessionStorage.setItem(d.key, d.token); location.replace(d.to); }
catch (e) { location.replace(d.to + '#lti_session=' + encodeURIComponent(d.token)); }`,
  });
}

/**
 * A form that posts itself (deep linking response `JWT` to `deep_link_return_url`; mock platform launches).
 * @example
 *   return autoPostPage('https://lms.example/deep_link_return', { JWT: jwt });
 */
export function autoPostPage(
  action: string,
  fields: Record<string, string>,
  title = 'Returning to your course…',
) {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return htmlPage({
    title,
    body: `<form id="f" method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><button class="btn" type="submit">Continue</button></noscript></form>`,
    script: `document.getElementById('f').submit();`,
  });
}
