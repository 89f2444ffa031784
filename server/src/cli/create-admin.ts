/**
 * `bun server/src/cli/create-admin.ts --email admin@example.edu` — creates an administrator (or
 * promotes an existing account and resets its password) in the configured database. The password is
 * read from HANDSUP_ADMIN_PASSWORD or, if unset, from the first line of standard input, never from
 * the command line (it would land in shell history and `ps`).
 */
import { parseConfig } from '../config/config.ts';
import { systemClock } from '../http/context.ts';
import { createAdmin } from '../modules/auth/admin-bootstrap.ts';
import { createLogger } from '../observability/logger.ts';
import { openDatabase } from '../storage/database.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--email');
const email = at >= 0 ? args[at + 1] : process.env.HANDSUP_ADMIN_EMAIL;
if (!email) {
  console.error(
    'usage: bun server/src/cli/create-admin.ts --email <address>   (password: HANDSUP_ADMIN_PASSWORD or stdin)',
  );
  process.exit(64);
}
let password = process.env.HANDSUP_ADMIN_PASSWORD ?? '';
if (!password) {
  if (process.stdin.isTTY) process.stderr.write('Password (at least 10 characters): ');
  for await (const line of console) {
    password = line.trim();
    break;
  }
}
const config = parseConfig();
const log = createLogger('warn');
const database = await openDatabase(
  config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: config.dataDir },
);
try {
  const outcome = await createAdmin({ database, log, clock: systemClock }, email, password);
  console.log(`administrator ${email.trim().toLowerCase()}: ${outcome}`);
} catch (e) {
  console.error(`could not create the administrator: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
