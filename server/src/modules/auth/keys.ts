/** One key set per app (per `deps`), loaded once on first use and shared by every module. */
import type { AppDeps } from '../../http/context.ts';
import { type JwtKey, loadJwtKeys } from './secrets.ts';

const loaded = new WeakMap<object, Promise<JwtKey[]>>();

export function jwtKeys(deps: Pick<AppDeps, 'config' | 'database' | 'log'>): Promise<JwtKey[]> {
  let p = loaded.get(deps);
  if (!p) {
    p = loadJwtKeys(deps);
    loaded.set(deps, p);
    p.catch(() => loaded.delete(deps));
  }
  return p;
}
