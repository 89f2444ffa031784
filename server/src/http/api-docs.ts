/**
 * OpenAPI description generated from the route schemas (`/api/openapi.json`) and a readable reference
 * (`/api/docs`) whose script is served by Handsup itself — no request leaves for a CDN.
 */
import { dirname, join } from 'node:path';
import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';

// The package does not export its browser bundle as a subpath; locate it beside its entry point.
const scalarScript = Bun.file(
  join(dirname(Bun.resolveSync('@scalar/api-reference', import.meta.dir)), 'browser', 'standalone.js'),
);

export const apiDocs = () =>
  new Elysia({ name: 'api-docs' })
    .get(
      '/api/docs/scalar.js',
      () =>
        new Response(scalarScript, {
          headers: {
            'content-type': 'text/javascript; charset=utf-8',
            'cache-control': 'public, max-age=86400',
          },
        }),
      {
        detail: { hide: true },
      },
    )
    .use(
      openapi({
        path: '/api/docs',
        specPath: '/api/openapi.json',
        provider: 'scalar',
        // Only the options we change; the plugin's type wants every Scalar option spelled out.
        scalar: {
          cdn: '/api/docs/scalar.js',
          withDefaultFonts: false,
          hideClientButton: true,
        } as unknown as NonNullable<Parameters<typeof openapi>[0]>['scalar'],
        documentation: {
          info: {
            title: 'Handsup API',
            version: '0.1.0',
            description:
              'Live classroom polling. Errors are `{"error": {"code", "message"}}` with codes from the catalog in protocol/src/errors.ts.',
          },
        },
        exclude: { paths: ['/api/docs/scalar.js'] },
      }),
    );
