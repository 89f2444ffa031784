/**
 * Guards the embedded data directory: exactly one Handsup process may open it.
 *
 * PGlite leaves a stale `postmaster.pid` behind when its process is killed, and the next
 * `new PGlite(dir)` then hangs forever. Our own lock file records the holder's pid; when that process
 * is gone the lock is provably stale, so we clear both it and PGlite's file and let PostgreSQL's
 * recovery replay the log.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  constructor(dir: string, holder: string) {
    super(
      `The data directory ${dir} is in use by another Handsup process (${holder}). Stop it first, or set HANDSUP_DATA_DIR to another folder.`,
    );
    this.name = 'DataDirInUseError';
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface DataDirLock {
  /** True when a previous holder had died and its locks were cleared (crash recovery will run). */
  recovered: boolean;
  release(): void;
}

/** Takes the lock on `dataDir` (creating it), clearing PGlite's stale lock in `pgDir` when safe. */
export function lockDataDir(dataDir: string, pgDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'handsup.lock');
  const me = `${process.pid}@${hostname()}`;
  let recovered = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, me);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readFileSync(lockPath, 'utf8').trim();
      const [pidText, host] = holder.split('@');
      const pid = Number(pidText);
      if (host === hostname() && Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DataDirInUseError(dataDir, `pid ${pid}`);
      }
      if (host !== hostname() && host) throw new DataDirInUseError(dataDir, holder);
      rmSync(lockPath, { force: true });
      recovered = true;
    }
  }
  // Our lock proves nobody else has the directory: any PGlite lock left now is stale.
  const pgPid = join(pgDir, 'postmaster.pid');
  if (existsSync(pgPid)) {
    rmSync(pgPid, { force: true });
    recovered = true;
  }
  return {
    recovered,
    release() {
      try {
        if (readFileSync(lockPath, 'utf8').trim() === me) rmSync(lockPath, { force: true });
      } catch {
        // already gone
      }
    },
  };
}
