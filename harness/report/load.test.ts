import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../checks/test-journal.ts';
import { HarnessError } from '../errors.ts';
import type { JournalRecord } from '../journal/index.ts';
import { loadRunReport, parseRunReport } from './load.ts';
import { mixedRun } from './test-run.ts';

const T0 = 1_700_000_000_000;

describe('parseRunReport', () => {
  const valid = mixedRun();
  const reject = (text: string) => () => parseRunReport(text, '/r/report.json');

  it('reads a report.json of this schema version', () => {
    expect(parseRunReport(JSON.stringify(valid), 'x')).toEqual(valid);
  });

  it('names the file and what it must be when it is not a report', () => {
    expect(reject('{"schemaVersion": 2,')).toThrow(HarnessError);
    expect(reject('{"schemaVersion": 2,')).toThrow(
      /^\/r\/report\.json is not JSON \(.*\): give a run's report\.json/,
    );
    expect(reject('[1]')).toThrow('/r/report.json is not an mcp-chaos report.json (not a JSON object)');
    const { runId: _, ...noRunId } = valid;
    expect(reject(JSON.stringify(noRunId))).toThrow(
      /^\/r\/report\.json is not a valid report\.json: at runId: .*; re-render it with `mcp-chaos report <its directory>`/,
    );
  });

  it('names both schema versions and says to re-render the baseline', () => {
    const { schemaVersion: _, ...v1 } = valid;
    expect(reject(JSON.stringify(v1))).toThrow(
      '/r/report.json is report.json schema version 1 (it has no schemaVersion); this mcp-chaos reads version 2: re-render it with `mcp-chaos report <its directory>` (its journals are kept)',
    );
    expect(reject(JSON.stringify({ ...valid, schemaVersion: 3 }))).toThrow(
      '/r/report.json is report.json schema version 3; this mcp-chaos reads version 2',
    );
  });
});

describe('loadRunReport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a report.json given as a file or as its directory', async () => {
    const report = mixedRun();
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', 'report.json'), JSON.stringify(report));
    expect(await loadRunReport(join(dir, 'run', 'report.json'))).toEqual(report);
    expect(await loadRunReport(join(dir, 'run'))).toEqual(report);
  });

  it('renders a directory without report.json from its journals, writing nothing', async () => {
    const records: JournalRecord[] = [
      {
        type: 'header',
        runId: 'journals-only',
        scenario: 'steady-load',
        seed: 3,
        runtime: 'local',
        startedAt: T0,
        versions: { harness: '0.1.0', node: 'v24.21.0' },
        config: {},
      },
      { type: 'phase', name: 'baseline', event: 'start', at: T0 },
      call({ at: T0 + 10, ms: 5, phase: 'baseline' }),
      { type: 'phase', name: 'baseline', event: 'end', at: T0 + 100 },
      { type: 'verdict', check: 'noHangs', status: 'pass', summary: 'ok', evidence: [], evidenceTotal: 0 },
      { type: 'end', at: T0 + 100 },
    ];
    const run = join(dir, 'journals');
    await mkdir(join(run, 'steady-load'), { recursive: true });
    await writeFile(
      join(run, 'steady-load', 'journal.jsonl'),
      records.map((r) => JSON.stringify(r)).join('\n'),
    );
    const report = await loadRunReport(run);
    expect(report).toMatchObject({
      runId: 'journals-only',
      status: 'pass',
      scenarios: [{ scenario: 'steady-load' }],
    });
    expect(await readdir(run)).toEqual(['steady-load']);
  });

  it('names a path that is not there, or a directory without a report or journals', async () => {
    await expect(loadRunReport(join(dir, 'nope'))).rejects.toThrow(
      `${join(dir, 'nope')}: no such file or directory: give a run's report directory (its --report-dir) or its report.json`,
    );
    await mkdir(join(dir, 'empty'));
    await expect(loadRunReport(join(dir, 'empty'))).rejects.toThrow(
      'holds no <scenario>/journal.jsonl: give the --report-dir of a run',
    );
  });
});
