#!/usr/bin/env node
// Entry point for every root script. Runs on the machine's Node (20+) with nothing else installed:
// it fetches Bun from the npm registry into .tools/, installs the workspace with Bun, then hands the
// task to Bun. This is what makes `npm start` and `npm test` work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withRuntimeEnv } from './runtime-env.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUN_VERSION = '1.4.5';
const toolsDir = join(root, '.tools');
const bun = join(toolsDir, 'node_modules', '.bin', 'bun');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) process.exit(code);
}

function ensureBun() {
  if (existsSync(bun)) {
    const v = spawnSync(bun, ['--version'], { encoding: 'utf8' }).stdout?.trim();
    if (v === BUN_VERSION) return;
  }
  console.log(`[handsup] installing Bun ${BUN_VERSION} from the npm registry into .tools/`);
  must('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-audit',
    '--no-fund',
    '--no-save',
    `bun@${BUN_VERSION}`,
  ]);
}

function ensureDeps() {
  const frozen = existsSync(join(root, 'bun.lock')) && process.env.CI ? ['--frozen-lockfile'] : [];
  must(bun, ['install', ...frozen]);
}

const task = process.argv[2] ?? 'start';
const rest = process.argv.slice(3);
ensureBun();
ensureDeps();
// Every task gets the server's runtime environment (scripts/runtime-env.mjs, decisions 0008, 0009).
const env = withRuntimeEnv({ ...process.env, PATH: `${dirname(bun)}:${process.env.PATH}` });
const scripts = JSON.parse(readFileSync(join(root, 'scripts', 'tasks.json'), 'utf8'));
const steps = scripts[task];
if (!steps) {
  console.error(`[handsup] unknown task "${task}"; known: ${Object.keys(scripts).join(', ')}`);
  process.exit(2);
}
for (const [i, step] of steps.entries()) {
  const args = i === steps.length - 1 ? [...step, ...rest] : step;
  must(bun, args, { env });
}
