import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../schema.ts';

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface Lock {
  packages?: Record<string, { version?: string }>;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Every package package.json names is installed at the version package-lock.json pins: a
 * checkout pulled without `npm install` runs old code in surprising ways.
 */
export async function checkDependencies(root: string): Promise<CheckResult> {
  const fail = (status: 'missing' | 'broken', detail: string): CheckResult => ({
    id: 'dependencies',
    status,
    detail,
    fix: 'npm install',
    blocks: ['local', 'containers'],
  });
  const manifest = await readJson<Manifest>(join(root, 'package.json'));
  if (!manifest) return fail('broken', `${join(root, 'package.json')} is missing or not JSON`);
  const lock = await readJson<Lock>(join(root, 'package-lock.json'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).sort();
  const missing: string[] = [];
  const stale: string[] = [];
  for (const name of names) {
    const installed = await readJson<{ version?: string }>(join(root, 'node_modules', name, 'package.json'));
    if (!installed) {
      missing.push(name);
      continue;
    }
    const pinned = lock?.packages?.[`node_modules/${name}`]?.version;
    if (pinned !== undefined && installed.version !== pinned) {
      stale.push(`${name} ${installed.version} (lock: ${pinned})`);
    }
  }
  if (missing.length === names.length && names.length > 0) {
    return fail('missing', 'node_modules is not installed');
  }
  if (missing.length > 0) return fail('missing', `not installed: ${list(missing)}`);
  if (stale.length > 0) return fail('broken', `not the locked version: ${list(stale)}`);
  return {
    id: 'dependencies',
    status: 'ok',
    detail: `${names.length} packages installed as package-lock.json pins them`,
    fix: null,
    blocks: [],
  };
}

function list(items: string[], max = 4): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
