import { describe, expect, it } from 'vitest';
import { type JournalRecord, parseRecord } from '../journal/index.ts';
import type { TargetExitEvent, TargetExitListener } from '../runtime/backend.ts';
import { journalTargetExits, targetExitRecord } from './target-exits.ts';

const crash: TargetExitEvent = {
  at: 1_700_000_000_123.5,
  instance: 'pid 4242',
  expected: false,
  code: null,
  signal: 'SIGKILL',
  logTail: ['{"level":"info","msg":"listening"}'],
};

describe('target exit records', () => {
  it('are valid journal records, with or without what a runtime may not know', () => {
    expect(parseRecord(targetExitRecord(crash), 'test')).toEqual({ type: 'target', event: 'exit', ...crash });
    const container = { ...crash, instance: 'x start 1', code: 137, signal: null, oomKilled: true };
    expect(parseRecord(targetExitRecord(container), 'test')).toMatchObject({ code: 137, oomKilled: true });
    expect(targetExitRecord({ ...crash, oomKilled: false })).not.toHaveProperty('oomKilled');
    expect(
      parseRecord({ type: 'target', event: 'exit', at: 1, expected: true, logTail: [] }, 'test'),
    ).toBeTruthy();
  });

  it('name a missing field', () => {
    expect(() => parseRecord({ type: 'target', event: 'exit', at: 1, logTail: [] }, 'line 3')).toThrow(
      /line 3: invalid target record: expected/,
    );
  });

  it('are appended for every exit until unsubscribed', () => {
    let listener: TargetExitListener | undefined;
    const env = {
      onTargetExit(l: TargetExitListener) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    };
    const journal: JournalRecord[] = [];
    const off = journalTargetExits(env, (r) => journal.push(r));
    listener?.(crash);
    listener?.({ ...crash, expected: true, signal: null, code: 0 });
    off();
    expect(listener).toBeUndefined();
    expect(journal.map((r) => r.type === 'target' && [r.expected, r.signal, r.code])).toEqual([
      [false, 'SIGKILL', null],
      [true, null, 0],
    ]);
  });
});
