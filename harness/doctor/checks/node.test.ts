import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkNode, projectNode } from './node.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('checkNode', () => {
  it("accepts Node 24 and says whether it is the project's own", () => {
    const own = checkNode({ version: 'v24.21.0', execPath: '/nowhere/node', projectNode: '/nowhere/node' });
    expect(own).toMatchObject({ id: 'node', status: 'ok', fix: null, blocks: [] });
    expect(own.detail).toBe("Node 24.21.0 (the project's node package)");
    const other = checkNode({ version: 'v25.0.0', execPath: '/usr/bin/node', projectNode: '/p/node' });
    expect(other).toMatchObject({ status: 'ok' });
    expect(other.detail).toContain("not the project's /p/node");
  });

  it('rejects Node 20 and names the way to the project node, or to installing it', () => {
    const installed = checkNode({ version: 'v20.19.2', execPath: '/usr/bin/node', projectNode: '/p/node' });
    expect(installed).toMatchObject({ status: 'broken', blocks: ['local', 'containers'] });
    expect(installed.detail).toContain('24 or newer is needed');
    expect(installed.fix).toContain('node_modules/.bin/node harness/cli/bin.ts');
    const absent = checkNode({ version: 'v20.19.2', execPath: '/usr/bin/node', projectNode: undefined });
    expect(absent.fix).toMatch(/^npm install/);
  });

  it("finds the project's node through node_modules/.bin", async () => {
    dir = await mkdtemp(join(tmpdir(), 'doctor-node-'));
    expect(projectNode(dir)).toBeUndefined();
    await mkdir(join(dir, 'node_modules', 'node', 'bin'), { recursive: true });
    await mkdir(join(dir, 'node_modules', '.bin'));
    await writeFile(join(dir, 'node_modules', 'node', 'bin', 'node'), '');
    await symlink('../node/bin/node', join(dir, 'node_modules', '.bin', 'node'));
    expect(projectNode(dir)).toBe(join(dir, 'node_modules', 'node', 'bin', 'node'));
  });
});
