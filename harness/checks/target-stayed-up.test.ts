import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { runChecks } from './run.ts';
import { targetStayedUp } from './target-stayed-up.ts';

const exit = (fields: Partial<RecordOf<'target'>>): RecordOf<'target'> => ({
  type: 'target',
  event: 'exit',
  at: Date.UTC(2026, 10, 24, 10, 0, 5),
  instance: 'pid 42',
  code: 1,
  signal: null,
  expected: false,
  logTail: ['listening', 'Error: Connection terminated unexpectedly', '    at Client._handleErrorEvent'],
  ...fields,
});

describe('targetStayedUp', () => {
  it('passes when only the harness ended the target, and says how often it did', () => {
    const [v] = runChecks([targetStayedUp()], [exit({ expected: true, signal: 'SIGKILL', code: null })]);
    expect(v).toMatchObject({
      status: 'pass',
      summary: 'The target never exited on its own (1 exit the harness caused).',
    });
    expect(runChecks([targetStayedUp()], [])[0]?.summary).toBe('The target never exited on its own.');
  });

  it('fails on a crash, with how it ended and its last output as evidence', () => {
    const [v] = runChecks([targetStayedUp()], [exit({}), exit({ code: 137, oomKilled: true, logTail: [] })]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('The target exited on its own 2 times, first at 10:00:05.000Z (exit code 1).');
    expect(v?.evidence[0]?.message).toBe(
      '10:00:05.000Z: pid 42 exit code 1; last output: Error: Connection terminated unexpectedly',
    );
    expect(v?.evidence[1]?.message).toBe('10:00:05.000Z: pid 42 killed by the OOM killer');
    // Without an error line, the last lines as they are.
    const [quiet] = runChecks([targetStayedUp()], [exit({ logTail: ['a', 'b', 'c', 'd'] })]);
    expect(quiet?.evidence[0]?.message).toBe('10:00:05.000Z: pid 42 exit code 1; last output: b | c | d');
  });
});
