import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, RuntimeName } from '../schema.ts';
import { firstLine, probe } from './exec.ts';

/** The version scripts/setup.sh builds (its TOXIPROXY_VERSION line): one place pins it. */
export async function pinnedToxiproxyVersion(root: string): Promise<string | undefined> {
  try {
    const script = await readFile(join(root, 'scripts', 'setup.sh'), 'utf8');
    return /^TOXIPROXY_VERSION=v?(\S+)$/m.exec(script)?.[1];
  } catch {
    return undefined;
  }
}

export function toxiproxyResult(input: {
  path: string;
  /** TOXIPROXY_SERVER names it (the user's binary, not the one setup.sh builds). */
  fromEnv: boolean;
  exists: boolean;
  /** What `toxiproxy-server -version` printed (when it exists). */
  version: { ok: boolean; output: string } | undefined;
  pinned: string | undefined;
  goAvailable: boolean;
  /** The runtimes that need it now: local always, containers while an image must be built. */
  blocks: RuntimeName[];
}): CheckResult {
  const base = { id: 'toxiproxy', blocks: input.blocks };
  const build = input.goAvailable
    ? 'bash scripts/setup.sh toxiproxy'
    : 'install Go 1.23+ (https://go.dev/doc/install), then bash scripts/setup.sh toxiproxy';
  if (!input.exists) {
    return {
      ...base,
      status: 'missing',
      detail: `${input.path} not found${input.fromEnv ? ' (TOXIPROXY_SERVER)' : ''}`,
      fix: input.fromEnv
        ? `point TOXIPROXY_SERVER at a toxiproxy-server binary, or unset it and ${build}`
        : build,
    };
  }
  const found = /version\s+v?(\S+)/.exec(input.version?.output ?? '')?.[1];
  if (!input.version?.ok || found === undefined) {
    return {
      ...base,
      status: 'broken',
      detail: `${input.path} -version failed: ${firstLine(input.version?.output ?? '') || 'no output'}`,
      fix: input.fromEnv
        ? 'point TOXIPROXY_SERVER at a working toxiproxy-server binary'
        : `rm -f .cache/bin/toxiproxy.version && ${build}`,
    };
  }
  if (input.pinned !== undefined && found !== input.pinned) {
    return {
      ...base,
      status: 'broken',
      detail: `toxiproxy-server ${found} at ${input.path}; the pinned version is ${input.pinned}`,
      fix: input.fromEnv
        ? `point TOXIPROXY_SERVER at toxiproxy-server ${input.pinned}, or unset it and ${build}`
        : `rm -f .cache/bin/toxiproxy.version && ${build}`,
    };
  }
  return {
    id: 'toxiproxy',
    status: 'ok',
    detail: `toxiproxy-server ${found} (${input.fromEnv ? 'TOXIPROXY_SERVER' : '.cache/bin'})`,
    fix: null,
    blocks: [],
  };
}

export async function checkToxiproxy(
  root: string,
  env: NodeJS.ProcessEnv,
  blocks: RuntimeName[],
): Promise<CheckResult> {
  const fromEnv = Boolean(env.TOXIPROXY_SERVER);
  const path = env.TOXIPROXY_SERVER || join(root, '.cache', 'bin', 'toxiproxy-server');
  const exists = existsSync(path);
  const out = exists ? await probe(path, ['-version']) : undefined;
  return toxiproxyResult({
    path,
    fromEnv,
    exists,
    version: out && { ok: out.ok, output: `${out.stdout}\n${out.stderr}`.trim() },
    pinned: await pinnedToxiproxyVersion(root),
    goAvailable: exists || !(await probe('go', ['version'])).notFound,
    blocks,
  });
}
