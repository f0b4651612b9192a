import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The harness's own version, from package.json. */
export function harnessVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}
