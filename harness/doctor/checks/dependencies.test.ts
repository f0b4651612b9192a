import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDependencies } from './dependencies.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'doctor-deps-'));
  await writeFile(
    join(root, 'package.json'),
    JSON.stringify({ dependencies: { zod: '4.1.0' }, devDependencies: { '@types/node': '24.0.0' } }),
  );
  await writeFile(
    join(root, 'package-lock.json'),
    JSON.stringify({
      packages: {
        '': {},
        'node_modules/zod': { version: '4.1.0' },
        'node_modules/@types/node': { version: '24.0.0' },
      },
    }),
  );
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function install(name: string, version: string): Promise<void> {
  await mkdir(join(root, 'node_modules', name), { recursive: true });
  await writeFile(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
}

describe('checkDependencies', () => {
  it('is ok when every package is installed at its locked version', async () => {
    await install('zod', '4.1.0');
    await install('@types/node', '24.0.0');
    expect(await checkDependencies(root)).toEqual({
      id: 'dependencies',
      status: 'ok',
      detail: '2 packages installed as package-lock.json pins them',
      fix: null,
      blocks: [],
    });
  });

  it('says node_modules is missing before npm install', async () => {
    expect(await checkDependencies(root)).toMatchObject({
      status: 'missing',
      detail: 'node_modules is not installed',
      fix: 'npm install',
      blocks: ['local', 'containers'],
    });
  });

  it('names a package that is missing, and one at another version than the lock', async () => {
    await install('zod', '4.1.0');
    expect(await checkDependencies(root)).toMatchObject({
      status: 'missing',
      detail: 'not installed: @types/node',
    });
    await install('@types/node', '22.1.0');
    expect(await checkDependencies(root)).toMatchObject({
      status: 'broken',
      detail: 'not the locked version: @types/node 22.1.0 (lock: 24.0.0)',
      fix: 'npm install',
    });
  });
});
