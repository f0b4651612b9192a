import { describe, expect, it } from 'vitest';
import type { TargetExitEvent } from './backend.ts';
import { ExitReports, finishedAt, logTail } from './exit-reports.ts';

const exit = (at: number, expected = false): TargetExitEvent => ({
  at,
  instance: 'pid 1',
  expected,
  code: null,
  signal: 'SIGKILL',
  logTail: ['last'],
});

describe('logTail', () => {
  it('keeps the last non-blank lines, oldest first, without trailing blanks', () => {
    expect(logTail('a\n\nb  \n   \nc\nd\n', 3)).toEqual(['b', 'c', 'd']);
    expect(logTail('')).toEqual([]);
    // A crash dump longer than the tail: the error line leads it.
    const dump = [
      'listening',
      'Error: Connection terminated unexpectedly',
      '    at Client.x (pg.js:1)',
      '{',
      ...Array.from({ length: 30 }, (_, i) => `  field${i}: ${i},`),
      '}',
      'Node.js v24.21.0',
    ];
    expect(logTail(dump.join('\n'), 5)).toEqual([
      'Error: Connection terminated unexpectedly',
      '…',
      '  field29: 29,',
      '}',
      'Node.js v24.21.0',
    ]);
  });

  it('cuts a long line from its end and marks the cut', () => {
    expect(logTail(`${'x'.repeat(20)}\nshort`, 10, 8)).toEqual(['xxxxxxx…', 'short']);
  });
});

describe('finishedAt', () => {
  it('reads the engine time with nanoseconds to the millisecond', () => {
    expect(finishedAt('2026-11-24T13:32:15.123456789Z', 0)).toBe(Date.UTC(2026, 10, 24, 13, 32, 15, 123));
  });

  it('falls back where the engine gives no time', () => {
    expect(finishedAt('0001-01-01T00:00:00Z', 42)).toBe(42);
    expect(finishedAt('', 42)).toBe(42);
    expect(finishedAt(undefined, 42)).toBe(42);
    expect(finishedAt('not a time', 42)).toBe(42);
  });
});

describe('ExitReports', () => {
  it('hands each exit to every listener once described, until they unsubscribe', async () => {
    const reports = new ExitReports();
    const seen: number[] = [];
    const off = reports.subscribe((e) => seen.push(e.at));
    reports.subscribe((e) => seen.push(-e.at));
    await reports.report(async () => exit(1));
    off();
    await reports.report(async () => exit(2));
    expect(seen).toEqual([1, -1, -2]);
  });

  it('settled() waits for exits still being described', async () => {
    const reports = new ExitReports();
    const seen: number[] = [];
    reports.subscribe((e) => seen.push(e.at));
    let describe!: (e: TargetExitEvent) => void;
    void reports.report(() => new Promise((resolve) => (describe = resolve)));
    const settled = reports.settled();
    expect(seen).toEqual([]);
    describe(exit(7));
    await settled;
    expect(seen).toEqual([7]);
  });

  it('close() delivers the exits already found, then drops later ones', async () => {
    const reports = new ExitReports();
    const seen: number[] = [];
    reports.subscribe((e) => seen.push(e.at));
    let describe!: (e: TargetExitEvent) => void;
    void reports.report(() => new Promise((resolve) => (describe = resolve)));
    const closed = reports.close();
    await reports.report(async () => exit(9)); // found after close began: the stop's own exit
    describe(exit(8));
    await closed;
    await reports.report(async () => exit(10));
    expect(seen).toEqual([8]);
  });

  it('does not let a failing listener or description reach the caller', async () => {
    const reports = new ExitReports();
    const seen: number[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      reports.subscribe(() => {
        throw new Error('listener bug');
      });
      reports.subscribe((e) => seen.push(e.at));
      await reports.report(async () => exit(3));
      await reports.report(async () => {
        throw new Error('engine gone');
      });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(seen).toEqual([3]);
    expect(warnings).toEqual([
      'a target exit listener failed: listener bug',
      'could not describe a target exit: engine gone',
    ]);
  });

  it('settled() gives up after its timeout', async () => {
    const reports = new ExitReports();
    void reports.report(() => new Promise(() => {}));
    const t = Date.now();
    await reports.settled(50);
    expect(Date.now() - t).toBeLessThan(1_000);
  });
});
