/**
 * Runs docker/Dockerfile's steps without Docker (CI has no Docker engine) and smoke-starts the result.
 *
 *   bun scripts/build-image.ts [--out DIR] [--no-smoke]
 *
 * It reads the Dockerfile itself, so what is tested is what the image would hold:
 *   - every stage gets a folder standing for its filesystem root; `FROM <earlier stage>` starts from a
 *     hard-linked copy of it, `FROM <image>` from an empty one (the image supplies only Bun — this
 *     script's own Bun, the same version as the Dockerfile's BUN_VERSION, runs the steps);
 *   - COPY from the build context honours docker/Dockerfile.dockerignore; COPY --from copies (hard links)
 *     from that stage's folder; WORKDIR, ENV and ARG are followed;
 *   - RUN is executed in the build stages (`bun install --frozen-lockfile`, the web build — bun's
 *     package cache makes the installs take seconds); in the final stage it only prepares the OS image
 *     (users, /data) and is skipped, as are USER, VOLUME and EXPOSE;
 *   - the final stage's folder is then started like the container: its ENV, its CMD (from its
 *     WORKDIR, with no other environment than PATH and HOME), plus a free PORT, a data dir and the
 *     production secrets as *_FILE; `/readyz` must answer ready, the HEALTHCHECK command must exit 0,
 *     the home page must render, and SIGTERM must stop it with exit code 0.
 * The output lives under the system temp folder, outside the repository, so nothing can be resolved
 * from the repository's own node_modules by accident.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dir, '..');
export const DOCKERFILE = join(ROOT, 'docker', 'Dockerfile');

interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
}

export interface BuiltImage {
  /** The final stage's filesystem root. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[] | null;
  skipped: string[];
}

type Log = (line: string) => void;

/** Instructions of a Dockerfile: continuation lines joined, comments and blanks dropped. */
export function instructions(text: string): { op: string; args: string }[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^(\S+)\s*(.*)$/.exec(l)!;
      return { op: m[1].toUpperCase(), args: m[2] };
    });
}

/** `.dockerignore` patterns -> a predicate on context-relative paths (a match excludes a folder's contents). */
export function ignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      return {
        negate,
        globs: [
          new Bun.Glob(pattern),
          ...(pattern.startsWith('**/') ? [new Bun.Glob(pattern.slice(3))] : []),
        ],
      };
    });
  // As Docker: the last rule that matches the path or one of its parent folders decides.
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const r of rules) {
      if (prefixes.some((p) => r.globs.some((g) => g.match(p)))) excluded = !r.negate;
    }
    return excluded;
  };
}

const substitute = (s: string, vars: Record<string, string>): string =>
  s.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_, a, dflt, b) => vars[a ?? b] ?? dflt ?? '');

/** Copies `src` (a file, a folder, or `.`) from the build context to `target`, skipping ignored paths. */
function copyContext(context: string, src: string, target: string, ignored: (p: string) => boolean): void {
  const start = src === '.' ? '' : posix.normalize(src).replace(/\/$/, '');
  if (start && ignored(start)) throw new Error(`COPY ${src}: excluded by the .dockerignore`);
  if (!existsSync(join(context, start))) throw new Error(`COPY ${src}: not in the build context`);
  const walk = (rel: string, to: string) => {
    const abs = join(context, rel);
    if (statSync(abs).isDirectory()) {
      mkdirSync(to, { recursive: true });
      for (const entry of readdirSync(abs)) {
        const child = rel ? `${rel}/${entry}` : entry;
        if (!ignored(child)) walk(child, join(to, entry));
      }
    } else {
      mkdirSync(dirname(to), { recursive: true });
      cpSync(abs, to, { dereference: false });
    }
  };
  walk(start, target);
}

/** Hard-links a file or a folder's contents (symlinks kept as they are), like `cp -al`. */
function linkCopy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const st = statSync(from);
  const args = st.isDirectory() ? ['-al', `${from}/.`, to] : ['-al', from, to];
  if (st.isDirectory()) mkdirSync(to, { recursive: true });
  const r = spawnSync('cp', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`cp ${args.join(' ')} failed`);
}

export function buildImage(
  opts: { out?: string; context?: string; dockerfile?: string; log?: Log } = {},
): BuiltImage {
  const context = opts.context ?? ROOT;
  const dockerfile = opts.dockerfile ?? DOCKERFILE;
  const log = opts.log ?? ((l: string) => console.log(l));
  const out = opts.out ?? mkdtempSync(join(tmpdir(), 'handsup-image-'));
  const ignoreFile = `${dockerfile}.dockerignore`;
  const ignored = ignoreMatcher(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  const bunDir = dirname(process.execPath);
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  const skipped: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] | null = null;
  let stage: Stage | null = null;
  const at = (s: Stage, p: string) => join(s.root, posix.resolve(s.workdir, p));

  const steps = instructions(readFileSync(dockerfile, 'utf8'));
  const froms = steps.filter((i) => i.op === 'FROM');
  const finalName = /\sAS\s+(\S+)$/i.exec(froms.at(-1)?.args ?? '')?.[1] ?? `stage${froms.length - 1}`;
  for (const { op, args: raw } of steps) {
    const text = substitute(raw, { ...args, ...(stage?.env ?? {}) });
    if (op === 'ARG') {
      const [k, v = ''] = raw.split('=');
      args[k] ??= v;
    } else if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(text)!;
      const base = stages.find((s) => s.name === m[1]);
      const name = m[2] ?? `stage${stages.length}`;
      const root = join(out, 'stages', name);
      if (base) linkCopy(base.root, root);
      else mkdirSync(root, { recursive: true });
      stage = { name, root, workdir: base?.workdir ?? '/', env: { ...(base?.env ?? {}) } };
      stages.push(stage);
      log(`[${name}] FROM ${m[1]}`);
    } else if (!stage) {
      throw new Error(`${op} before FROM`);
    } else if (op === 'WORKDIR') {
      stage.workdir = posix.resolve(stage.workdir, text);
      mkdirSync(at(stage, '.'), { recursive: true });
    } else if (op === 'ENV') {
      for (const m of text.matchAll(/(\w+)=(\S*)/g)) stage.env[m[1]] = m[2];
    } else if (op === 'COPY') {
      const words = text.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice(7);
      const paths = words.filter((w) => !w.startsWith('--'));
      const dest = paths.pop()!;
      const intoDir = dest.endsWith('/') || paths.length > 1;
      for (const src of paths) {
        const source = from ? stages.find((s) => s.name === from) : null;
        if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
        const srcAbs = join(source ? source.root : context, src);
        // As in Docker: a folder's contents go into the destination; a file goes into it by name.
        const isDir = existsSync(srcAbs) && statSync(srcAbs).isDirectory();
        const target = intoDir && !isDir ? at(stage, posix.join(dest, posix.basename(src))) : at(stage, dest);
        if (source) {
          const abs = join(source.root, src);
          if (!existsSync(abs)) throw new Error(`COPY --from=${from} ${src}: missing in that stage`);
          linkCopy(abs, target);
        } else {
          copyContext(context, src, src === '.' ? at(stage, dest) : target, ignored);
        }
      }
    } else if (op === 'RUN') {
      if (stage.name === finalName) {
        skipped.push(`[${stage.name}] RUN ${text}`);
        continue;
      }
      log(`[${stage.name}] RUN ${text}`);
      const started = performance.now();
      const r = spawnSync('sh', ['-c', text], {
        cwd: at(stage, '.'),
        env: { ...process.env, ...stage.env, PATH: `${bunDir}:${process.env.PATH}` },
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) {
        throw new Error(`[${stage.name}] RUN ${text} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      }
      log(`[${stage.name}]   done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } else if (op === 'CMD') {
      cmd = JSON.parse(text);
    } else if (op === 'HEALTHCHECK') {
      const m = /\bCMD\s+(\[.*\])\s*$/.exec(raw);
      healthcheck = m ? JSON.parse(m[1]) : null;
    } else {
      skipped.push(`[${stage.name}] ${op} ${text}`);
    }
  }
  const final = stages.at(-1);
  if (!final || cmd.length === 0) throw new Error('the Dockerfile has no final stage with a CMD');
  return { root: final.root, workdir: final.workdir, env: final.env, cmd, healthcheck, skipped };
}

/** Starts the built image like its container would run, checks it, stops it with SIGTERM. */
export async function smokeStart(image: BuiltImage, log: Log = (l) => console.log(l)): Promise<void> {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  const secrets = mkdtempSync(join(tmpdir(), 'handsup-image-run-'));
  const secret = (name: string, value: string) => {
    writeFileSync(join(secrets, name), value, { mode: 0o600 });
    return join(secrets, name);
  };
  const hex = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex');
  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: secrets,
    ...image.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    HANDSUP_DATA_DIR: join(secrets, 'data'),
    PUBLIC_ORIGIN: 'https://handsup.test',
    JWT_SECRETS_FILE: secret('jwt_secrets', `k1:${hex()}`),
    HANDSUP_ENCRYPTION_KEY_FILE: secret('encryption_key', hex()),
  };
  const cwd = join(image.root, image.workdir);
  const resolveBun = (argv: string[]) => (argv[0] === 'bun' ? [process.execPath, ...argv.slice(1)] : argv);
  log(`[smoke] ${image.cmd.join(' ')} (NODE_ENV=${env.NODE_ENV}, port ${port})`);
  const proc = Bun.spawn(resolveBun(image.cmd), { cwd, env, stdout: 'pipe', stderr: 'pipe' });
  let output = '';
  const collect = async (st: ReadableStream<Uint8Array>) => {
    const d = new TextDecoder();
    for await (const c of st) output += d.decode(c);
  };
  const done = Promise.all([collect(proc.stdout), collect(proc.stderr)]);
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    let ready: { status?: string; db?: string } | null = null;
    while (!ready) {
      if (proc.exitCode !== null) throw new Error(`the image's CMD exited ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error('the image did not become ready within 60 s');
      try {
        const r = await fetch(`${url}/readyz`);
        if (r.ok) ready = await r.json();
      } catch {
        await Bun.sleep(100);
      }
    }
    if (ready.status !== 'ready' || ready.db !== 'ok')
      throw new Error(`/readyz answered ${JSON.stringify(ready)}`);
    log(`[smoke] /readyz ${JSON.stringify(ready)}`);
    if (image.healthcheck) {
      const hc = Bun.spawnSync(resolveBun(image.healthcheck), { cwd, env });
      if (hc.exitCode !== 0)
        throw new Error(`HEALTHCHECK ${image.healthcheck.join(' ')} exited ${hc.exitCode}`);
      log('[smoke] HEALTHCHECK exit 0');
    }
    const home = await fetch(`${url}/`);
    const html = await home.text();
    if (home.status !== 200 || !html.includes('Handsup'))
      throw new Error(`the home page answered ${home.status}`);
    log('[smoke] home page 200');
  } catch (e) {
    proc.kill('SIGKILL');
    await done;
    throw new Error(`${(e as Error).message}\n--- output ---\n${output}`);
  }
  proc.kill('SIGTERM');
  const code = await proc.exited;
  await done;
  if (code !== 0) throw new Error(`SIGTERM: exit ${code}\n${output}`);
  log('[smoke] SIGTERM: exit 0');
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const out = argv.includes('--out') ? resolve(argv[argv.indexOf('--out') + 1]) : undefined;
  const started = performance.now();
  const image = buildImage({ out });
  for (const s of image.skipped) console.log(`skipped (OS image only) ${s}`);
  if (!argv.includes('--no-smoke')) await smokeStart(image);
  console.log(`image filesystem: ${image.root} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
