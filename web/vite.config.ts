// SvelteKit 3 reads its configuration from the sveltekit() plugin (svelte.config.js is gone).
// adapter-node's build exposes a web-standard `Server` that the Bun process mounts on its own port.
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter({ out: 'build', precompress: false }),
    }),
  ],
});
