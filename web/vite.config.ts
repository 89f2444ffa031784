// SvelteKit 3 reads its configuration from the sveltekit() plugin (svelte.config.js is gone).
// adapter-node's build exposes a web-standard `Server` that the Bun process mounts on its own port.
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build', precompress: false }),
      // Every page's own policy (docs/security.md): SvelteKit puts a fresh nonce on its inline
      // bootstrap script, so no 'unsafe-inline' anywhere; component CSS is an external file and
      // `style:` directives go through the CSSOM, which style-src does not govern. The server adds
      // `frame-ancestors` (configured + LTI platform origins) as a second header at run time.
      csp: {
        mode: 'nonce',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self'],
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
