import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkToxiproxy, pinnedToxiproxyVersion, toxiproxyResult } from './toxiproxy.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'doctor-toxi-'));
  await mkdir(join(root, 'scripts'));
  await writeFile(join(root, 'scripts', 'setup.sh'), '#!/bin/sh\nset -e\nTOXIPROXY_VERSION=v2.12.0\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A real executable that answers -version as toxiproxy-server does. */
async function fakeServer(version: string): Promise<string> {
  const path = join(root, 'toxiproxy-server');
  await writeFile(path, `#!/bin/sh\necho "toxiproxy-server version ${version}"\n`);
  await chmod(path, 0o755);
  return path;
}

describe('toxiproxy check', () => {
  it('reads the pinned version from scripts/setup.sh', async () => {
    expect(await pinnedToxiproxyVersion(root)).toBe('2.12.0');
    expect(await pinnedToxiproxyVersion(join(root, 'nowhere'))).toBeUndefined();
  });

  it('is ok for the pinned version, broken for another, missing when absent', async () => {
    const path = await fakeServer('2.12.0');
    expect(await checkToxiproxy(root, { TOXIPROXY_SERVER: path }, ['local'])).toMatchObject({
      status: 'ok',
      detail: 'toxiproxy-server 2.12.0 (TOXIPROXY_SERVER)',
    });
    await fakeServer('2.9.0');
    const other = await checkToxiproxy(root, { TOXIPROXY_SERVER: path }, ['local']);
    expect(other).toMatchObject({ status: 'broken', blocks: ['local'] });
    expect(other.detail).toContain('the pinned version is 2.12.0');
    expect(other.fix).toContain('point TOXIPROXY_SERVER at toxiproxy-server 2.12.0');
    const absent = await checkToxiproxy(root, {}, ['local', 'containers']);
    expect(absent).toMatchObject({ status: 'missing', blocks: ['local', 'containers'] });
    expect(absent.detail).toBe(`${join(root, '.cache', 'bin', 'toxiproxy-server')} not found`);
    expect(absent.fix).toMatch(/bash scripts\/setup\.sh toxiproxy$/);
  });

  it('says to install Go first when Go is missing, and to rebuild a binary that does not run', () => {
    const input = { path: '/x', fromEnv: false, pinned: '2.12.0', blocks: ['local' as const] };
    expect(toxiproxyResult({ ...input, exists: false, version: undefined, goAvailable: false }).fix).toBe(
      'install Go 1.23+ (https://go.dev/doc/install), then bash scripts/setup.sh toxiproxy',
    );
    const crashing = toxiproxyResult({
      ...input,
      exists: true,
      version: { ok: false, output: 'exec format error' },
      goAvailable: true,
    });
    expect(crashing).toMatchObject({ status: 'broken' });
    expect(crashing.detail).toContain('exec format error');
    expect(crashing.fix).toBe('rm -f .cache/bin/toxiproxy.version && bash scripts/setup.sh toxiproxy');
  });
});
