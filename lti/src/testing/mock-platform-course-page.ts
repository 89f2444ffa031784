/**
 * The mock LMS's course page: the tool embedded in an iframe (third-party initiated login as its src),
 * and the platform side of LTI postMessage platform storage (`lti.put_data` / `lti.get_data`,
 * `lti.capabilities`), so end-to-end tests can run the launch inside a cross-site iframe.
 */
import { escapeHtml, htmlPage } from '../html-pages.ts';

/**
 * @example
 *   coursePage('https://handsup.test/lti/login?iss=…', 'https://handsup.test');
 */
export function coursePage(loginUrl: string, toolOrigin: string, title = 'Mock LMS course'): Response {
  return htmlPage({
    title,
    csp: 'frame-src http: https:',
    body: `<h1>${escapeHtml(title)}</h1>
<iframe id="lti-frame" name="lti-frame" title="Handsup" src="${escapeHtml(loginUrl)}"
  style="width:100%;height:70vh;border:1px solid #888" allow="clipboard-write"></iframe>`,
    data: { toolOrigin },
    script: `const d = JSON.parse(document.getElementById('lti-data').textContent);
const store = new Map();
addEventListener('message', (e) => {
  const m = e.data;
  if (!m || typeof m.subject !== 'string' || e.origin !== d.toolOrigin) return;
  const reply = (extra) => e.source.postMessage(Object.assign({ message_id: m.message_id, subject: m.subject + '.response' }, extra), e.origin);
  const k = e.origin + '|' + m.key;
  if (m.subject === 'lti.capabilities') reply({ supported_messages: [{ subject: 'lti.put_data' }, { subject: 'lti.get_data' }] });
  else if (m.subject === 'lti.put_data') { store.set(k, m.value); reply({ key: m.key, value: m.value }); }
  else if (m.subject === 'lti.get_data') reply({ key: m.key, value: store.get(k) });
});`,
  });
}
