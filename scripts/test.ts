/**
 * The whole test suite, as README's `npm test` and CI run it:
 *   1. static checks — Biome (format + lint), tsc for every package, svelte-check for the web app,
 *      the dependency audit (critical advisories in production dependencies);
 *   2. unit + integration tests (`bun test`): storage suites on PGlite and PostgreSQL, cross-node
 *      suites on memory and Redis, cluster suites on PostgreSQL + Redis;
 *   3. the web build, then Playwright end-to-end in real Chromium on both deployment shapes.
 * With CI=true every service is mandatory; elsewhere a missing one is reported as skipped, with why.
 * Usage: bun scripts/test.ts [--only static|audit|unit|e2e]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ARGS, runAudit } from './audit.ts';

const root = join(import.meta.dir, '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const isCI = process.env.CI === 'true';
const bun = process.execPath;
let passed = 0;
let failed = 0;
const skipped: string[] = [];
const failures: string[] = [];

async function step(
  name: string,
  cmd: string[],
  opts: { cwd?: string; env?: Record<string, string>; count?: 'bun' | 'playwright' } = {},
) {
  const started = performance.now();
  console.log(`\n=== ${name}: ${cmd.join(' ')}`);
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? root,
    env: { ...process.env, ...opts.env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let out = '';
  const pump = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk);
      out += text;
      sink.write(text);
    }
  };
  await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
  const code = await proc.exited;
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (opts.count === 'bun') {
    const p = Number(/^\s*(\d+) pass$/m.exec(out)?.[1] ?? 0);
    const f = Number(/^\s*(\d+) fail$/m.exec(out)?.[1] ?? 0);
    passed += p;
    failed += f;
    if (code !== 0 && f === 0) failed += 1;
  } else if (opts.count === 'playwright') {
    const p = Number(/(\d+) passed/.exec(out)?.[1] ?? 0);
    const f = Number(/(\d+) failed/.exec(out)?.[1] ?? 0);
    passed += p;
    failed += f;
    if (code !== 0 && f === 0) failed += 1;
  } else {
    if (code === 0) passed += 1;
    else failed += 1;
  }
  console.log(`=== ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${secs}s`);
  if (code !== 0) failures.push(name);
}

/** The dependency audit (scripts/audit.ts): critical advisories fail the run; no advisory service skips it. */
async function dependencyAudit() {
  console.log(`\n=== dependency audit: ${AUDIT_ARGS.join(' ')}`);
  const outcome = await runAudit(bun, root);
  process.stdout.write(outcome.output ? `${outcome.output}\n` : '');
  if (outcome.status === 'ok') {
    passed += 1;
    console.log('=== dependency audit: ok (no known critical vulnerability in production dependencies)');
  } else if (outcome.status === 'skipped') {
    console.log(`SKIPPED dependency audit: ${outcome.reason}`);
    skipped.push(`dependency audit: ${outcome.reason}`);
  } else {
    failed += 1;
    failures.push('dependency audit (critical vulnerabilities in production dependencies)');
    console.log(`=== dependency audit: FAILED (exit ${outcome.code})`);
  }
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!only || only === 'static') {
  await step('biome', [bun, 'x', 'biome', 'check', '.']);
  for (const pkg of ['protocol', 'server', 'lti', 'bench', 'e2e']) {
    if (existsSync(join(root, pkg, 'tsconfig.json')))
      await step(`tsc ${pkg}`, [bun, 'x', 'tsc', '-p', pkg, '--noEmit']);
  }
  await step('svelte-check', [bun, 'run', 'check'], { cwd: join(root, 'web') });
}
if (!only || only === 'static' || only === 'audit') await dependencyAudit();

if (!only || only === 'unit' || only === 'e2e') {
  await step('web build', [bun, '--bun', 'x', 'vite', 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'web'),
  });
}

if (!only || only === 'unit') {
  await step(
    'bun test (unit + integration)',
    [
      bun,
      'test',
      '--timeout',
      '120000',
      './protocol',
      './server',
      './lti',
      './web/src',
      './bench',
      './scripts',
    ],
    { count: 'bun' },
  );
}

if (!only || only === 'e2e') {
  if (!existsSync(chromium)) {
    const reason = `Chromium not found at ${chromium} (install Debian's chromium or set CHROMIUM_PATH)`;
    if (isCI) {
      failed += 1;
      failures.push(`e2e: ${reason}`);
    } else skipped.push(`end-to-end suites: ${reason}`);
  } else {
    await step(
      'playwright (e2e)',
      [
        'node',
        join(root, 'e2e', 'node_modules', '@playwright', 'test', 'cli.js'),
        'test',
        '-c',
        'e2e/playwright.config.ts',
      ],
      {
        count: 'playwright',
      },
    );
  }
}

console.log('\n=== summary');
for (const s of skipped) console.log(`SKIPPED ${s}`);
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || failures.length > 0 ? 1 : 0);
