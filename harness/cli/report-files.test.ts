import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFiles } from './report-files.ts';

describe('reportFiles', () => {
  it('lists the report files at the top of the dir: the known formats first, then any other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-files-'));
    for (const name of ['summary.md', 'junit.xml', 'report.json', 'diff.md', '.hidden.json', 'notes.txt']) {
      await writeFile(join(dir, name), '');
    }
    await mkdir(join(dir, 'steady-load'));
    await writeFile(join(dir, 'steady-load', 'result.json'), '');
    expect(await reportFiles(dir)).toEqual(
      ['report.json', 'junit.xml', 'summary.md', 'diff.md'].map((n) => join(dir, n)),
    );
    await writeFile(join(dir, 'report.html'), '');
    expect((await reportFiles(dir))[0]).toBe(join(dir, 'report.html'));
  });

  it('is empty for a dir that does not exist', async () => {
    expect(await reportFiles(join(tmpdir(), 'no-such-report-dir-here'))).toEqual([]);
  });
});
