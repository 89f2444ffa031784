/**
 * The LTI tool of one app (per `deps`), built on first use because its key-encryption secret may come
 * from the database (development). Its ports are the database adapters in stores.ts and the
 * provisioner; every refused launch is logged with its reason code.
 */
import { createLtiTool, type LtiTool } from '@handsup/lti';
import { Elysia } from 'elysia';
import type { AppDeps } from '../../http/context.ts';
import { errorHandling } from '../../http/errors.ts';
import { ltiKeySecret } from './key-secret.ts';
import { createProvisioner } from './provisioner.ts';
import { createLoginStateStore, createPlatformStore, createToolKeyStore } from './stores.ts';

export interface LtiRuntime {
  tool: LtiTool;
  /** An Elysia app with only the tool's routes, to which `/lti/*` is forwarded. */
  routes: { handle(request: Request): Promise<Response> };
}

const built = new WeakMap<object, Promise<LtiRuntime>>();

async function build(deps: AppDeps): Promise<LtiRuntime> {
  const secret = await ltiKeySecret(deps);
  const tool = createLtiTool(
    {
      platforms: createPlatformStore(deps.database),
      loginStates: createLoginStateStore(deps.database),
      toolKeys: createToolKeyStore(deps.database),
      provisioner: createProvisioner(deps, () => ltiKeySecret(deps)),
    },
    {
      publicOrigin: deps.config.publicOrigin,
      toolName: 'Handsup',
      description: 'Live classroom polls: questions, answers and results in real time.',
      keyEncryptionSecret: secret,
      allowHttpPlatforms: deps.config.nodeEnv !== 'production',
      now: () => new Date(deps.clock.now()),
      onFailure: (f) => deps.log.warn('lti launch refused', { reason: f.reason, message: f.message }),
    },
  );
  // The app's error mapping here too: a database error (e.g. U+0000 in a login parameter) becomes a
  // 400 or a bare 500, never Elysia's default page with the driver's message in it.
  const routes = new Elysia().use(errorHandling(deps.log)).use(tool.plugin);
  return { tool, routes: { handle: (r) => routes.handle(r) } };
}

export function ltiRuntime(deps: AppDeps): Promise<LtiRuntime> {
  let p = built.get(deps);
  if (!p) {
    p = build(deps);
    built.set(deps, p);
    p.catch(() => built.delete(deps));
  }
  return p;
}
