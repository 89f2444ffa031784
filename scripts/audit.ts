/**
 * The dependency audit (docs/security.md): `bun audit --prod --audit-level=critical` in the repository.
 * A known critical vulnerability in a production dependency fails it. When the registry's advisory
 * service cannot be reached (offline, or a mirror without the advisory endpoint) it is skipped, with
 * the reason — unless the output reports vulnerabilities, which always fail.
 */
export type AuditOutcome =
  | { status: 'ok'; output: string }
  | { status: 'skipped'; reason: string; output: string }
  | { status: 'failed'; code: number; output: string };

const UNREACHABLE =
  /advisories\/bulk - \d{3}|ConnectionRefused|ECONNREFUSED|ENOTFOUND|FailedToOpenSocket|ETIMEDOUT|timed out|UnableToConnect/i;

export function classifyAudit(code: number, output: string): AuditOutcome {
  if (code === 0) return { status: 'ok', output };
  const unreachable = UNREACHABLE.exec(output);
  if (unreachable && !/vulnerabilit/i.test(output))
    return { status: 'skipped', reason: `advisory service unreachable (${unreachable[0]})`, output };
  return { status: 'failed', code, output };
}

export const AUDIT_ARGS = ['audit', '--prod', '--audit-level=critical'];

/** Runs the audit with `bun` in `cwd`; `env` may point it at another registry (tests do). */
export async function runAudit(
  bun: string,
  cwd: string,
  env: Record<string, string | undefined> = process.env,
): Promise<AuditOutcome> {
  const proc = Bun.spawn([bun, ...AUDIT_ARGS], { cwd, env, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return classifyAudit(code, `${out}\n${err}`.trim());
}
