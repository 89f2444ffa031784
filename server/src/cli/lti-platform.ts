/**
 * `bun server/src/cli/lti-platform.ts <command>` — manage LMS platforms in the configured database
 * (stop an embedded Handsup first: its data directory is locked while it runs; use the admin API then).
 *   add --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL --deployment ID [--deployment ID…] [--name NAME]
 *   list
 *   activate <platform id> | disable <platform id> | remove <platform id>
 */
import { parseConfig } from '../config/config.ts';
import { createPlatformAdmin } from '../modules/lti/platforms.ts';
import { openDatabase } from '../storage/database.ts';

const [command, ...args] = process.argv.slice(2);
const values = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
const one = (flag: string) => values(flag)[0];

const usage = `usage: bun server/src/cli/lti-platform.ts add --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL --deployment ID [--name NAME]
       bun server/src/cli/lti-platform.ts list | activate ID | disable ID | remove ID`;

const config = parseConfig();
const database = await openDatabase(
  config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dataDir: config.dataDir },
);
const platforms = createPlatformAdmin({ database, config });
let code = 0;
try {
  if (command === 'add') {
    const [issuer, clientId, authLoginUrl, authTokenUrl, jwksUrl] = [
      one('--issuer'),
      one('--client-id'),
      one('--auth-url'),
      one('--token-url'),
      one('--jwks-url'),
    ];
    const deploymentIds = values('--deployment');
    if (!issuer || !clientId || !authLoginUrl || !authTokenUrl || !jwksUrl || deploymentIds.length === 0) {
      console.error(usage);
      code = 64;
    } else {
      const p = await platforms.add({
        issuer,
        clientId,
        authLoginUrl,
        authTokenUrl,
        jwksUrl,
        deploymentIds,
        name: one('--name'),
      });
      console.log(JSON.stringify(p, null, 2));
    }
  } else if (command === 'list') {
    console.log(JSON.stringify(await platforms.list(), null, 2));
  } else if ((command === 'activate' || command === 'disable') && args[0]) {
    const p = await platforms.setStatus(args[0], command === 'activate' ? 'active' : 'disabled');
    console.log(`${p.issuer} (${p.clientId}): ${p.status}`);
  } else if (command === 'remove' && args[0]) {
    await platforms.remove(args[0]);
    console.log('removed');
  } else {
    console.error(usage);
    code = 64;
  }
} catch (e) {
  console.error((e as Error).message);
  code = 1;
} finally {
  await database.close();
}
process.exit(code);
