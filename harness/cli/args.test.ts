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

  it('shows help without arguments', () => {
    expect(parseCommand([])).toEqual({ kind: 'help' });
  });
});
