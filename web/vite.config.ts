// SvelteKit 3 reads its configuration from the sveltekit() plugin (svelte.config.js is gone).
// adapter-node's build exposes a web-standard `Server` that the Bun process mounts on its own port.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

/**
 * The one inline `style` attribute in the app is SvelteKit's own route announcer (visually hidden).
 * It is allowed by its hash, read from the installed SvelteKit, so an upgrade that changes it keeps
 * working (and any other inline style is still refused — the CSP end-to-end spec reports it).
 */
function announcerStyleHashes(): `sha256-${string}`[] {
  try {
    const kit = dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
    const root = readFileSync(join(kit, 'src', 'runtime', 'components', 'root.svelte'), 'utf8');
    return [...root.matchAll(/style="([^"]+)"/g)].map(
      (m) => `sha256-${createHash('sha256').update(m[1]).digest('base64')}` as const,
    );
  } catch {
    return [];
  }
}
const announcer = announcerStyleHashes();

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build', precompress: false }),
      // Every page's own policy (docs/security.md): SvelteKit puts a fresh nonce on its inline
      // bootstrap script, so no 'unsafe-inline' anywhere; component CSS is an external file and
      // `style:` directives go through the CSSOM, which style-src does not govern; style attributes
      // only SvelteKit's announcer, by hash (above). The server adds
      // `frame-ancestors` (configured + LTI platform origins) as a second header at run time.
      csp: {
        mode: 'nonce',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self'],
          'style-src-attr': announcer.length ? ['unsafe-hashes', ...announcer] : ['none'],
          'img-src': ['self', 'data:'],
          'font-src': ['self'],
          'connect-src': ['self'],
          'object-src': ['none'],
          'frame-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
        },
      },
    }),
  ],
});
