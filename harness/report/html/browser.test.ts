import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from './browser.ts';

describe('findChromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-'));
  const exe = join(dir, 'chromium');
  writeFileSync(exe, '#!/bin/sh\n');
  chmodSync(exe, 0o755);
  const plain = join(dir, 'not-executable');
  writeFileSync(plain, '');

  it('takes CHROMIUM_PATH first, then the known places that hold an executable', () => {
    expect(findChromium({ CHROMIUM_PATH: exe }, ['/nowhere/chromium'])).toBe(exe);
    expect(findChromium({}, ['/nowhere/chromium', plain, exe])).toBe(exe);
  });

  it('says to run the set-up when there is none', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nowhere/x' }, [plain])).toThrow(/npm run setup/);
    expect(() => findChromium({}, [])).toThrow(expect.objectContaining({ code: 'BROWSER_MISSING' }));
  });
});
