import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalWriter } from '../journal/index.ts';
import { noHangs } from './no-hangs.ts';
import { LiveChecks, runChecks } from './run.ts';
import { call, dataset } from './test-journal.ts';
import type { Check } from './types.ts';
import { exitCode, overallStatus } from './verdicts.ts';

/** Counts the records it is given, to show `needs` filtering. */
const counting: Check<{ n: number }> = {
  name: 'counting',
  needs: ['dataset'],
  init: () => ({ n: 0 }),
  update: (s) => {
    s.n++;
  },
  finish: (s) => ({ check: 'counting', status: 'pass', summary: `${s.n}`, evidence: [], evidenceTotal: 0 }),
};

const throwing: Check = {
  name: 'throwing',
  needs: ['call'],
  init: () => ({}),
  update: () => {
    throw new Error('boom');
  },
  finish: () => ({ check: 'throwing', status: 'pass', summary: '', evidence: [], evidenceTotal: 0 }),
};

describe('runChecks', () => {
  it('passes each check only the record types it needs', () => {
    expect(runChecks([counting], [call(), dataset(), call()])[0]?.summary).toBe('1');
  });

  it('turns a throwing check into an inconclusive verdict without stopping the others', () => {
    const [bad, good] = runChecks([throwing, noHangs()], [call()]);
    expect(bad).toMatchObject({ status: 'inconclusive', summary: 'The check itself failed: boom.' });
    expect(good?.status).toBe('pass');
  });
});

describe('LiveChecks', () => {
  it('replays what the writer already holds, follows appends, and stops at finish', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'live-'));
    try {
      await using writer = await JournalWriter.open(join(dir, 'j.jsonl'));
      writer.append(call({ ms: 10 }));
      const live = LiveChecks.attach([noHangs({ maxMs: 100 })], writer);
      expect(live.peek()[0]?.status).toBe('pass');
      writer.append(call({ ms: 500 }));
      expect(live.peek()[0]?.status).toBe('fail');
      const final = live.finish();
      writer.append(call({ ms: 10 })); // after finish: ignored
      expect(live.finish()).toBe(final);
      expect(final[0]?.summary).toBe('1 of 2 calls ran longer than 100 ms or timed out (slowest 500 ms).');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('verdicts', () => {
  const v = (status: 'pass' | 'fail' | 'inconclusive') => ({ status });
  it('fail beats inconclusive beats pass, and no verdicts at all is inconclusive', () => {
    expect(exitCode([v('pass'), v('inconclusive'), v('fail')])).toBe(1);
    expect(exitCode([v('pass'), v('inconclusive')])).toBe(2);
    expect(exitCode([v('pass')])).toBe(0);
    expect(overallStatus([])).toBe('inconclusive');
  });
});
