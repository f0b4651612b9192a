import { accessSync, constants } from 'node:fs';
import { HarnessError } from '../../errors.ts';

/** Where Debian and others put Chromium; CHROMIUM_PATH comes first. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The Chromium the report's browser tests and benchmark drive (playwright-core brings no
 * browser). Throws BROWSER_MISSING saying how to install one.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  known: readonly string[] = CHROMIUM_CANDIDATES,
): string {
  const candidates = [env.CHROMIUM_PATH, ...known].filter((p): p is string => !!p);
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next candidate
    }
  }
  throw new HarnessError(
    'BROWSER_MISSING',
    `no Chromium found (looked at ${candidates.join(', ')}): run 'npm run setup' (installs Debian's chromium as root), or set CHROMIUM_PATH`,
  );
}
