import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ago,
  debootstrapResult,
  dockerEngineResult,
  engineFix,
  imageInputs,
  imageResult,
  newestInput,
} from './docker.ts';

const HOUR = 3_600_000;

describe('docker engine', () => {
  it('is ok when the engine answers, else names the fix for root and for others', () => {
    expect(dockerEngineResult({ root: false, cliInstalled: true, version: '27.1', error: '' })).toMatchObject(
      {
        status: 'ok',
        detail: 'engine 27.1 answers',
      },
    );
    const down = dockerEngineResult({
      root: true,
      cliInstalled: true,
      version: undefined,
      error: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\nmore',
    });
    expect(down).toMatchObject({
      status: 'broken',
      fix: 'bash scripts/ensure-docker.sh start',
      blocks: ['containers'],
    });
    expect(down.detail).toBe(
      'no engine answers docker info: Cannot connect to the Docker daemon at unix:///var/run/docker.sock.',
    );
    expect(
      dockerEngineResult({ root: true, cliInstalled: false, version: undefined, error: '' }),
    ).toMatchObject({
      status: 'missing',
      fix: 'bash scripts/setup.sh docker',
    });
    const denied = dockerEngineResult({
      root: false,
      cliInstalled: true,
      version: undefined,
      error:
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
    });
    expect(denied.fix).toContain('usermod -aG docker');
    expect(denied.detail).toMatch(/^this user may not use the engine: permission denied/);
    expect(engineFix(false, true)).toContain('--runtime local');
    expect(engineFix(false, false)).toContain('https://docs.docker.com/engine/install/');
  });
});

describe('images', () => {
  it('missing blocks containers; older than an input warns; newer is ok', () => {
    const now = Date.now();
    expect(imageResult({ image: 'mcp-chaos/postgres:18', created: undefined, newest: undefined })).toEqual({
      id: 'image:mcp-chaos/postgres:18',
      status: 'missing',
      detail: 'mcp-chaos/postgres:18 is not built',
      fix: 'bash docker/build-images.sh',
      blocks: ['containers'],
    });
    const stale = imageResult({
      image: 'mcp-chaos/target:latest',
      created: new Date(now - 3 * HOUR),
      newest: { path: 'src/main.ts', mtimeMs: now - HOUR },
    });
    expect(stale).toMatchObject({ status: 'warn', fix: 'bash docker/build-images.sh', blocks: [] });
    expect(stale.detail).toBe('built 3 h ago, before src/main.ts changed (60 min ago): may be out of date');
    expect(
      imageResult({
        image: 'mcp-chaos/target:latest',
        created: new Date(now - HOUR),
        newest: { path: 'src/main.ts', mtimeMs: now - 3 * HOUR },
      }),
    ).toMatchObject({ status: 'ok', detail: 'built 60 min ago, after its inputs last changed' });
  });

  it('names another way to get a target image this project does not build', () => {
    const foreign = imageResult({
      image: 'acme/mcp:2',
      created: undefined,
      newest: undefined,
      foreign: true,
    });
    expect(foreign).toMatchObject({
      status: 'missing',
      detail: 'acme/mcp:2 is not present',
      blocks: ['containers'],
    });
    expect(foreign.fix).toContain('docker pull acme/mcp:2');
    expect(
      imageResult({
        image: 'acme/mcp:2',
        created: new Date(Date.now() - 2 * HOUR),
        newest: undefined,
        foreign: true,
      }),
    ).toMatchObject({ status: 'ok', detail: 'built 2 h ago' });
  });

  it('finds the newest file under the inputs, walking dirs and skipping missing paths', async () => {
    const root = await mkdtemp(join(tmpdir(), 'doctor-img-'));
    try {
      await mkdir(join(root, 'src', 'deep'), { recursive: true });
      const at = (path: string, hoursAgo: number) => {
        const t = new Date(Date.now() - hoursAgo * HOUR);
        return writeFile(join(root, path), path).then(() => utimes(join(root, path), t, t));
      };
      await at('package.json', 5);
      await at('src/main.ts', 4);
      await at('src/deep/cache.ts', 2);
      const newest = await newestInput(root, ['package.json', 'src', 'no-such-dir']);
      expect(newest?.path).toBe(join('src', 'deep', 'cache.ts'));
      expect(await newestInput(root, ['no-such-dir'])).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("lists each image's inputs as build-images.sh uses them", () => {
    const inputs = imageInputs({ postgres: 'p', toxiproxy: 't', target: 'mcp-chaos/target:latest' });
    expect(inputs.get('mcp-chaos/base:bookworm')).toEqual([]);
    expect(inputs.get('t')).toContain('.cache/bin/toxiproxy-server');
    expect(inputs.get('mcp-chaos/target:latest')).toEqual(
      expect.arrayContaining(['src', 'package-lock.json', 'docker/target']),
    );
    // Another target image is the user's: nothing here is its input.
    expect(imageInputs({ postgres: 'p', toxiproxy: 't', target: 'acme/mcp:2' }).get('acme/mcp:2')).toEqual(
      [],
    );
  });
});

describe('debootstrap', () => {
  it('matters only while the base image is missing, and needs root', () => {
    expect(debootstrapResult({ baseMissing: false, available: false, root: false }).status).toBe('ok');
    expect(debootstrapResult({ baseMissing: true, available: true, root: true }).status).toBe('ok');
    expect(debootstrapResult({ baseMissing: true, available: false, root: true })).toMatchObject({
      status: 'missing',
      blocks: ['containers'],
      fix: 'apt-get install debootstrap (as root; bash scripts/setup.sh images does it)',
    });
    expect(debootstrapResult({ baseMissing: true, available: true, root: false }).fix).toBe(
      'sudo bash docker/build-images.sh',
    );
    expect(debootstrapResult({ baseMissing: undefined, available: false, root: true })).toMatchObject({
      status: 'warn',
      blocks: [],
    });
  });
});

describe('ago', () => {
  it('reads as a person says it', () => {
    expect(ago(90_000)).toBe('90 s');
    expect(ago(30 * 60_000)).toBe('30 min');
    expect(ago(5 * HOUR)).toBe('5 h');
    expect(ago(72 * HOUR)).toBe('3 days');
  });
});
