/**
 * The deployment files: compose files validate (`docker compose config`), the production nginx
 * configuration (the shared template as compose.yml renders it, with tls.conf) is accepted by nginx,
 * and the Dockerfile's steps — run without Docker by scripts/build-image.ts — give an image that starts
 * and answers ready.
 */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildImage, ignoreMatcher, instructions, smokeStart } from '../../../scripts/build-image.ts';
import { ENV_FILE, parseEnvFile } from './cluster.ts';
import { RUNTIME_ENV } from '../runtime-env.ts';
import { findNginx, NGINX_TEMPLATE, renderTemplate } from './cluster-nginx.ts';
import { isCI } from './services.ts';

const DOCKER = resolve(import.meta.dir, '..', '..', '..', 'docker');

/** `docker compose` (v2 plugin) or Debian's `docker-compose`, whichever this machine has. */
function composeCommand(): string[] | null {
  if (Bun.which('docker') && Bun.spawnSync(['docker', 'compose', 'version']).exitCode === 0)
    return ['docker', 'compose'];
  if (Bun.which('docker-compose')) return ['docker-compose'];
  return null;
}

const compose = composeCommand();

describe('the compose files', () => {
  const reason = 'neither `docker compose` nor `docker-compose` is installed (Debian package docker-compose)';
  for (const file of ['compose.yml', 'compose.dev.yml']) {
    if (compose) {
      test(`${file} is valid (${compose.join(' ')} config)`, () => {
        const r = Bun.spawnSync([...compose, '-f', file, 'config', '-q'], {
          cwd: DOCKER,
          env: { ...process.env, HANDSUP_DOMAIN: 'handsup.example.edu' },
        });
        expect(r.stderr.toString()).toBe('');
        expect(r.exitCode).toBe(0);
      });
    } else if (isCI) {
      test(`${file} is valid (compose is required in CI)`, () => {
        throw new Error(reason);
      });
    } else {
      console.warn(`SKIPPED ${file} validation: ${reason}`);
      test.skip(`${file} is valid — skipped: ${reason}`, () => {});
    }
  }

  test('the load balancer and the replicas use the files the test cluster uses', () => {
    const spec = Bun.YAML.parse(readFileSync(join(DOCKER, 'compose.yml'), 'utf8')) as {
      services: Record<
        string,
        { volumes?: string[]; env_file?: string; environment?: Record<string, string> }
      >;
    };
    const lb = spec.services.lb;
    expect(lb.volumes).toContain(
      './nginx/handsup.conf.template:/etc/nginx/templates/default.conf.template:ro',
    );
    expect(join(DOCKER, 'nginx/handsup.conf.template')).toBe(NGINX_TEMPLATE);
    const replicas = Object.entries(spec.services).filter(([name]) => name.startsWith('handsup-'));
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    for (const [, r] of replicas) expect(join(DOCKER, r.env_file ?? '')).toBe(ENV_FILE);
    // Only the balancer may set X-Forwarded-*: TRUSTED_PROXIES is its fixed address.
    const env = parseEnvFile(readFileSync(ENV_FILE, 'utf8'));
    const lbAddress = (lb as unknown as { networks: { backend: { ipv4_address: string } } }).networks.backend
      .ipv4_address;
    expect(env.TRUSTED_PROXIES).toBe(lbAddress);
    expect(env.NODE_ENV).toBe('production');
  });
});

const nginx = findNginx();
describe('the production nginx configuration', () => {
  (nginx || isCI ? test : test.skip)(
    'the shared template with compose.yml values and tls.conf passes `nginx -t`',
    () => {
      if (!nginx) throw new Error('nginx not found (required in CI)');
      const spec = Bun.YAML.parse(readFileSync(join(DOCKER, 'compose.yml'), 'utf8')) as {
        services: { lb: { environment: Record<string, string> } };
      };
      const dir = mkdtempSync(join(tmpdir(), 'handsup-nginx-t-'));
      try {
        const cert = Bun.spawnSync(
          [
            'openssl',
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=handsup.test',
            '-keyout',
            join(dir, 'privkey.pem'),
            '-out',
            join(dir, 'fullchain.pem'),
          ],
          { stderr: 'pipe' },
        );
        expect(cert.exitCode).toBe(0);
        // The container's /dev/stdout is not something this process's nginx can open: a file instead.
        const vars = {
          ...spec.services.lb.environment,
          HANDSUP_SERVER_NAME: 'handsup.example.edu',
          HANDSUP_ACCESS_LOG: `${join(dir, 'access.log')} handsup`,
        };
        writeFileSync(join(dir, 'site.conf'), renderTemplate(readFileSync(NGINX_TEMPLATE, 'utf8'), vars));
        writeFileSync(
          join(dir, 'tls.conf'),
          readFileSync(join(DOCKER, 'nginx', 'tls.conf'), 'utf8').replaceAll('/etc/nginx/certs', dir),
        );
        writeFileSync(
          join(dir, 'nginx.conf'),
          `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  proxy_temp_path ${dir};\n  client_body_temp_path ${dir};\n  include ${dir}/tls.conf;\n  include ${dir}/site.conf;\n}\n`,
        );
        const r = Bun.spawnSync([nginx, '-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], {
          stderr: 'pipe',
        });
        const out = r.stderr.toString();
        expect(out).toContain('test is successful');
        expect(r.exitCode).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('the image, built without Docker', () => {
  test('reads Dockerfile instructions and .dockerignore patterns as Docker does', () => {
    expect(instructions('# c\nFROM a AS b\nRUN x \\\n  && y\n\nCMD ["z"]')).toEqual([
      { op: 'FROM', args: 'a AS b' },
      { op: 'RUN', args: 'x    && y' },
      { op: 'CMD', args: '["z"]' },
    ]);
    const ignored = ignoreMatcher('**/node_modules\n**/*.test.ts\nweb/build\ndocs\n!docs/keep.md');
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('server/node_modules/x/y.js')).toBe(true);
    expect(ignored('server/src/a.test.ts')).toBe(true);
    expect(ignored('server/src/a.ts')).toBe(false);
    expect(ignored('web/build/index.js')).toBe(true);
    expect(ignored('web/src/build.ts')).toBe(false);
    expect(ignored('docs/keep.md')).toBe(false);
    expect(ignored('docs/other.md')).toBe(true);
  });

  test("the Dockerfile's steps build an image that starts in production mode, passes its HEALTHCHECK and stops on SIGTERM", async () => {
    const out = mkdtempSync(join(tmpdir(), 'handsup-image-test-'));
    const lines: string[] = [];
    try {
      const image = buildImage({ out, log: (l) => lines.push(l) });
      expect(image.env).toMatchObject({ NODE_ENV: 'production', HANDSUP_DATA_DIR: '/data' });
      // The image starts the server as `npm start` does (decision 0008).
      expect(image.env).toMatchObject(RUNTIME_ENV);
      expect(image.cmd).toEqual(['bun', 'server/src/main.ts']);
      expect(image.healthcheck?.[0]).toBe('bun');
      // Only what runs: no tests, no end-to-end or benchmark code, no sources of the web app.
      const files = [
        ...new Bun.Glob('**/*').scanSync({ cwd: join(image.root, image.workdir), onlyFiles: true }),
      ].filter((f) => !f.includes('node_modules/'));
      expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
      expect(files.some((f) => /^(e2e|bench|web\/src|server\/src\/testing)\//.test(f))).toBe(false);
      expect(files).toContain('web/build/handler.js');
      await smokeStart(image, (l) => lines.push(l));
      expect(lines).toContain('[smoke] SIGTERM: exit 0');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${lines.join('\n')}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 240_000);
});
