import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { parseCommand } from './args.ts';

describe('parseCommand', () => {
  it('parses run with defaults and flags', () => {
    expect(parseCommand(['run'])).toEqual({
      kind: 'run',
      options: { runtime: 'auto', seed: 1, reportDir: 'reports/latest' },
    });
    expect(parseCommand(['run', '--runtime', 'local', '--seed', '42', '--report-dir', 'out'])).toMatchObject({
      kind: 'run',
      options: { runtime: 'local', seed: 42, reportDir: 'out' },
    });
  });

  it('parses env up --json', () => {
    expect(parseCommand(['env', 'up', '--json', '--runtime', 'containers'])).toEqual({
      kind: 'env-up',
      options: { runtime: 'containers', seed: 1, json: true },
    });
  });

  it.each([
    [['run', '--runtime', 'docker'], '--runtime docker is not a runtime: use auto, local or containers'],
    [['run', '--seed', '1.5'], '--seed must be an integer'],
    [['run', '--bogus'], "Unknown option '--bogus'"],
    [['deploy'], 'unknown command: deploy'],
  ])('rejects %j with a message that says what to do', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(HarnessError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('shows help without arguments', () => {
    expect(parseCommand([])).toEqual({ kind: 'help' });
  });
});
