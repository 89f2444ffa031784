/**
 * Serves the SvelteKit app from its adapter-node build: static client files straight from disk (hashed
 * `_app/immutable/*` cached for a year), every other path through the build's web-standard
 * `server.respond(request)`. No Node http server is started — Bun owns the port.
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';

export const WEB_BUILD_DIR = resolve(import.meta.dir, '..', '..', 'web', 'build');

export interface WebHandler {
  handle(request: Request, clientAddress: string): Promise<Response>;
}

interface KitServer {
  init(opts: {
    env: Record<string, string | undefined>;
    read?: (file: string) => ReadableStream;
  }): Promise<void>;
  respond(request: Request, opts: { getClientAddress: () => string; platform?: unknown }): Promise<Response>;
}

export async function createWebHandler(buildDir = WEB_BUILD_DIR): Promise<WebHandler> {
  const serverEntry = join(buildDir, 'server', 'server.js');
  if (!existsSync(serverEntry)) {
    throw new Error(
      `The web app is not built (${serverEntry} is missing). Run \`npm start\` (which builds it) or \`bun run --cwd web build\`.`,
    );
  }
  const clientDir = join(buildDir, 'client');
  const { server } = (await import(serverEntry)) as { server: KitServer };
  await server.init({ env: process.env, read: (file) => Bun.file(join(clientDir, file)).stream() });

  const staticFile = (pathname: string): string | null => {
    if (pathname === '/' || pathname.endsWith('/')) return null;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    const path = normalize(join(clientDir, decoded));
    if (!path.startsWith(clientDir + '/')) return null;
    try {
      return statSync(path).isFile() ? path : null;
    } catch {
      return null;
    }
  };

  return {
    async handle(request, clientAddress) {
      const url = new URL(request.url);
      if (request.method === 'GET' || request.method === 'HEAD') {
        const file = staticFile(url.pathname);
        if (file) {
          const immutable = url.pathname.startsWith('/_app/immutable/');
          return new Response(request.method === 'HEAD' ? null : Bun.file(file), {
            headers: {
              'content-type': Bun.file(file).type,
              'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
            },
          });
        }
      }
      return server.respond(request, { getClientAddress: () => clientAddress });
    },
  };
}
