import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { defaultConcurrency, parseCommand } from './args.ts';

describe('parseCommand', () => {
  it('parses run with defaults and flags', () => {
    expect(parseCommand(['run'])).toEqual({
      kind: 'run',
      options: {
        runtime: 'auto',
        profile: 'quick',
        seed: 1,
        reportDir: 'reports/latest',
        scenarios: [],
        quiet: false,
        progress: false,
      },
    });
    expect(
      parseCommand([
        'run',
        'database-restart',
        'scenarios/x.scenario.ts',
        '--runtime',
        'local',
        '--profile',
        'nightly',
        '--seed',
        '42',
        '--grep',
        'database',
        '--report-dir',
        'out',
      ]),
    ).toEqual({
      kind: 'run',
      options: {
        runtime: 'local',
        profile: 'nightly',
        seed: 42,
        reportDir: 'out',
        scenarios: ['database-restart', 'scenarios/x.scenario.ts'],
        grep: 'database',
        quiet: false,
        progress: false,
      },
    });
  });

  it('parses list and selftest', () => {
    expect(parseCommand(['list'])).toEqual({ kind: 'list' });
    expect(parseCommand(['selftest', 'sql-in-errors', '--runtime', 'local'])).toEqual({
      kind: 'selftest',
      options: {
        runtime: 'local',
        seed: 1,
        reportDir: 'reports/selftest',
        defects: ['sql-in-errors'],
        quiet: false,
        progress: false,
      },
    });
  });

  it('parses --concurrency for run and selftest', () => {
    expect(parseCommand(['run', '--concurrency', '3'])).toMatchObject({
      kind: 'run',
      options: { concurrency: 3 },
    });
    expect(parseCommand(['selftest', '--concurrency', '2'])).toMatchObject({
      kind: 'selftest',
      options: { concurrency: 2 },
    });
  });

  it('parses --quiet and --progress for run, and refuses both at once', () => {
    expect(parseCommand(['run', '--quiet'])).toMatchObject({ options: { quiet: true, progress: false } });
    expect(parseCommand(['run', '--progress'])).toMatchObject({ options: { quiet: false, progress: true } });
    expect(() => parseCommand(['run', '--quiet', '--progress'])).toThrow(/--quiet and --progress/);
    expect(parseCommand(['selftest', '--quiet'])).toMatchObject({ options: { quiet: true } });
  });

  it('runs two quick scenarios at once on a machine with two cores or more, else one', () => {
    expect(defaultConcurrency('quick', 2)).toBe(2);
    expect(defaultConcurrency('quick', 16)).toBe(2);
    expect(defaultConcurrency('quick', 1)).toBe(1);
    expect(defaultConcurrency('nightly', 16)).toBe(1);
    expect(defaultConcurrency('soak', 16)).toBe(1);
  });

  it('parses env up --json', () => {
    expect(parseCommand(['env', 'up', '--json', '--runtime', 'containers'])).toEqual({
      kind: 'env-up',
      options: { runtime: 'containers', seed: 1, json: true, instances: 1, router: false, affinity: false },
    });
    expect(parseCommand(['env', 'up', '--instances', '3', '--affinity'])).toMatchObject({
      options: { instances: 3, affinity: true },
    });
    expect(() => parseCommand(['env', 'up', '--instances', '0'])).toThrow(
      /--instances must be a whole number from 1 to 16/,
    );
  });

  it('parses env down [--sweep] and doctor [--json]', () => {
    expect(parseCommand(['env', 'down'])).toEqual({ kind: 'env-down', options: { sweep: false } });
    expect(parseCommand(['env', 'down', '--sweep'])).toEqual({ kind: 'env-down', options: { sweep: true } });
    expect(parseCommand(['doctor'])).toEqual({ kind: 'doctor', options: { json: false } });
    expect(parseCommand(['doctor', '--json'])).toEqual({ kind: 'doctor', options: { json: true } });
  });

  it.each([
    [['env', 'down', 'now'], 'unknown command: env down now'],
    [['doctor', 'local'], 'unknown command: doctor local'],
    [['run', '--runtime', 'docker'], '--runtime docker is not a runtime: use auto, local or containers'],
    [['run', '--seed', '1.5'], '--seed must be an integer'],
    [['run', '--bogus'], "Unknown option '--bogus'"],
    [['run', '--profile', 'weekly'], '--profile weekly is not a profile: use quick, nightly or soak'],
    [['run', '--grep', 'a(b'], '--grep is not a regular expression'],
    [['run', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 8'],
    [['selftest', '--concurrency', 'two'], '--concurrency must be a whole number from 1 to 8'],
    [['deploy'], 'unknown command: deploy'],
    [['report'], 'unknown command: report'],
    [['report', 'a', 'b'], 'unknown command: report a b'],
    [
      ['report', 'diff'],
      'report diff needs two runs, OLD and NEW (each a report directory or a report.json)',
    ],
    [['report', 'diff', 'a'], 'report diff needs two runs, OLD and NEW'],
    [['report', 'diff', 'a', 'b', 'c'], 'report diff needs two runs, OLD and NEW'],
    [['report', 'diff', 'a', 'b', '--tolerance', 'lots'], '--tolerance must be a percentage such as 25%'],
    [['report', 'diff', 'a', 'b', '--tolerance=-5%'], '--tolerance must be a percentage such as 25%'],
    [
      ['report', 'diff', 'a', 'b', '--tolerance', '2000%'],
      '--tolerance must be a percentage from 0% to 1000%',
    ],
    [['run', '--tolerance', '10%'], '--tolerance needs --baseline'],
    [['report', 'dir', '--tolerance', '10%'], '--tolerance needs --baseline'],
    [['run', '--baseline', ''], '--baseline needs a run directory or a report.json'],
  ])('rejects %j with a message that says what to do', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(HarnessError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('reads report with its directory', () => {
    expect(parseCommand(['report', 'reports/latest'])).toEqual({
      kind: 'report',
      options: { dir: 'reports/latest' },
    });
  });

  it('reads report diff OLD NEW with --tolerance as a ratio and --json', () => {
    expect(parseCommand(['report', 'diff', 'reports/a', 'reports/b/report.json'])).toEqual({
      kind: 'report-diff',
      options: { old: 'reports/a', new: 'reports/b/report.json', json: false },
    });
    expect(parseCommand(['report', 'diff', 'a', 'b', '--tolerance', '50%', '--json'])).toEqual({
      kind: 'report-diff',
      options: { old: 'a', new: 'b', tolerance: 0.5, json: true },
    });
    expect(parseCommand(['report', 'diff', 'a', 'b', '--tolerance', '12.5'])).toMatchObject({
      options: { tolerance: 0.125 },
    });
    // A run directory named diff is still reachable.
    expect(parseCommand(['report', './diff'])).toEqual({ kind: 'report', options: { dir: './diff' } });
  });

  it('reads --baseline and --tolerance on run and report', () => {
    expect(parseCommand(['run', '--baseline', 'reports/nightly', '--tolerance', '40%'])).toMatchObject({
      kind: 'run',
      options: { baseline: 'reports/nightly', tolerance: 0.4 },
    });
    expect(parseCommand(['report', 'reports/latest', '--baseline', 'old/report.json'])).toEqual({
      kind: 'report',
      options: { dir: 'reports/latest', baseline: 'old/report.json' },
    });
  });

  it('shows help without arguments', () => {
    expect(parseCommand([])).toEqual({ kind: 'help' });
  });
});
