// Acceptance 4 of the reports: `mcp-chaos report diff` of a good run and a run of a self-test
// defect flags the regression. The journals are real: `mcp-chaos selftest sql-in-errors --runtime
// local` (seed 1) left one of the database-restart scenario against the good build and one against
// the sql-in-errors defect; they are kept whole, gzipped, in harness/report/fixtures/.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonSchema, runReportSchema } from '../harness/report/index.ts';

const bin = 'harness/cli/bin.ts';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // Reading two reports takes about a second: a hang is a bug, not something to wait out.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('mcp-chaos report diff', () => {
  let dir: string;
  let good: string;
  let defect: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-report-diff-'));
    good = join(dir, 'good');
    defect = join(dir, 'sql-in-errors');
    for (const [run, name] of [
      [good, 'good'],
      [defect, 'sql-in-errors'],
    ] as const) {
      const fixture = new URL(
        `../harness/report/fixtures/${name}/database-restart/journal.jsonl.gz`,
        import.meta.url,
      );
      await mkdir(join(run, 'database-restart'), { recursive: true });
      await writeFile(join(run, 'database-restart', 'journal.jsonl'), gunzipSync(readFileSync(fixture)));
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 on a good run against a defect run, naming the scenario and the failed check', async () => {
    const { code, stdout, stderr } = await cli(['report', 'diff', good, defect]);
    expect(code, stderr).toBe(1);
    expect(stdout).toContain('✗ database-restart  regressed  pass → fail');
    // gracefulErrors is the check the self-test names for sql-in-errors.
    expect(stdout).toContain('✗ gracefulErrors: pass → fail: 137 error answers of 174 were not graceful.');
    expect(stdout).toContain('✗ recoversWithin: pass → fail');
    expect(stdout).toMatch(/✗ recovery after restart\(postgres\): 0 ms → \d\.\d\d s/);
  });

  it('exits 0 when a run is compared with itself, and prints the comparison as JSON with --json', async () => {
    const same = await cli(['report', 'diff', good, good]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('✓ 0 regressions, 0 improvements');
    expect(same.stdout).toContain('= database-restart  unchanged');

    const json = await cli(['report', 'diff', good, defect, '--json']);
    expect(json.code, json.stderr).toBe(1);
    const comparison = comparisonSchema.parse(JSON.parse(json.stdout));
    expect(comparison.scenarios[0]).toMatchObject({
      scenario: 'database-restart',
      status: 'regressed',
      baselineStatus: 'pass',
      currentStatus: 'fail',
    });
    expect(comparison.scenarios[0]?.regressions).toContainEqual(
      expect.objectContaining({ kind: 'check', check: 'gracefulErrors', old: 'pass', new: 'fail' }),
    );
    // Back the other way, the defect's regressions are the good build's improvements.
    const back = await cli(['report', 'diff', defect, good, '--json']);
    expect(back.code).toBe(0);
    expect(comparisonSchema.parse(JSON.parse(back.stdout)).improvements).toBe(comparison.regressions);
  });

  it('report DIR --baseline puts the regression in report.json, summary.md, report.html and junit.xml', async () => {
    const { code, stderr } = await cli(['report', defect, '--baseline', good]);
    // The verdicts decide the exit code (the defect run failed), not the comparison.
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('█ vs baseline  ✗');
    const report = runReportSchema.parse(JSON.parse(await readFile(join(defect, 'report.json'), 'utf8')));
    expect(report.comparison?.baseline.path).toBe(good);
    expect(report.comparison?.scenarios[0]?.regressions).toContainEqual(
      expect.objectContaining({ kind: 'check', check: 'gracefulErrors' }),
    );
    const summary = await readFile(join(defect, 'summary.md'), 'utf8');
    expect(summary).toMatch(/### ❌ Change since baseline: \d+ regressions/);
    expect(summary).toContain(
      '| ❌ | database-restart | gracefulErrors: pass → fail: 137 error answers of 174 were not graceful. |',
    );
    expect(await readFile(join(defect, 'report.html'), 'utf8')).toContain(
      'gracefulErrors: pass → fail: 137 error answers of 174 were not graceful.',
    );
    const junit = await readFile(join(defect, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<property name="baseline.regressions" value="[1-9]\d*"\/>/);
    expect(junit).toContain('<system-out>Regressions since baseline run');
    expect(junit).toContain('  - gracefulErrors: pass → fail');
    // Still one failure, the failed verdict's: a regression is never a JUnit failure of its own.
    expect(junit.match(/<failure /g)).toHaveLength(1);
  });

  it('exits 64 naming the path when an input is not a run, or a report of another schema version', async () => {
    const missing = await cli(['report', 'diff', good, join(dir, 'nope')]);
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain(
      `${join(dir, 'nope')}: no such file or directory: give a run's report directory (its --report-dir) or its report.json`,
    );
    const old = join(dir, 'v1-report.json');
    // Version 1 had no schemaVersion field: the version is checked before anything else.
    await writeFile(old, JSON.stringify({ runId: 'older', seed: 1, scenarios: [] }));
    const stale = await cli(['report', defect, '--baseline', old]);
    expect(stale.code).toBe(64);
    expect(stale.stderr).toContain(
      `${old} is report.json schema version 1 (it has no schemaVersion); this mcp-chaos reads version 2: re-render it with \`mcp-chaos report <its directory>\``,
    );
  });
});
