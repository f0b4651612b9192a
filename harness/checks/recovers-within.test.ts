import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../journal/index.ts';
import { EvidenceList, margin, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import {
  BUSINESS_CODES,
  bufferedCalls,
  type RecoversWithinOptions,
  recoversWithin,
} from './recovers-within.ts';
import { runChecks } from './run.ts';
import { call, fault, type JournalRecord } from './test-journal.ts';
import type { Verdict } from './types.ts';

const ok = (at: number) => call({ at });
const bad = (at: number) => call({ at, outcome: 'transport-error', code: 'ECONNRESET' });
const check = () => recoversWithin({ ms: 1000, window: 3, minCalls: 5 });

describe('recoversWithin', () => {
  it('passes when good calls resume within the budget, counting business errors as good', () => {
    const journal: JournalRecord[] = [
      fault('inject', 0),
      bad(50), // before the heal: ignored
      fault('heal', 100),
      bad(150),
      bad(400),
      call({ at: 600, outcome: 'error', code: 'NOT_FOUND' }),
      ok(700),
      ok(800),
      ok(900),
    ];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'Recovered 500 ms after the last heal (budget 1,000 ms, margin 500 ms): the 4 calls from then on all succeeded.',
    );
  });

  it('measures from the last heal and orders calls by actual start, not journal order', () => {
    const journal = [
      fault('heal', 0),
      fault('heal', 5000),
      ok(5400),
      bad(5200),
      ok(5500),
      ok(5600),
      ok(5700),
    ];
    expect(runChecks([check()], journal)[0]?.summary).toMatch(/^Recovered 400 ms after/);
  });

  it('fails when recovery takes longer than the budget, with the late bad calls as evidence', () => {
    const late = bad(1800);
    const journal = [fault('heal', 100), bad(200), late, ok(1900), ok(2000), ok(2100)];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(/^Recovered only 1,800 ms after the last heal, over the 1,000 ms budget/);
    expect(v?.evidence.map((e) => e.correlationId)).toEqual([late.correlationId]);
  });

  it('fails when it never settles: a bad call near the end', () => {
    const last = bad(600);
    const journal = [fault('heal', 100), ok(200), ok(300), ok(400), ok(500), last, ok(700)];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(/^Did not recover: .* only 1 good call followed \(3 needed/);
    expect(v?.evidence[0]?.correlationId).toBe(last.correlationId);
  });

  it('is inconclusive without a heal or with too few calls after it', () => {
    expect(runChecks([check()], [ok(1), ok(2), ok(3), ok(4), ok(5)])[0]?.status).toBe('inconclusive');
    const [v] = runChecks([check()], [ok(1), fault('heal', 2), ok(3), ok(4)]);
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toMatch(/^Only 2 calls started after the last heal \(at least 5 needed\)/);
  });
});

// The algorithm before the streaming fold: keep every call, sort at the end, judge. Kept as the
// reference the fold must agree with exactly.

function reference(options: RecoversWithinOptions, records: readonly JournalRecord[]): Verdict {
  const { ms: budget, window = 5, minCalls = 10, businessCodes = BUSINESS_CODES } = options;
  const name = 'recoversWithin';
  const isGood = (c: CallRecord) =>
    c.outcome === 'ok' || (c.outcome === 'error' && c.code !== undefined && businessCodes.includes(c.code));
  let lastHeal: number | undefined;
  const calls: CallRecord[] = [];
  for (const r of records) {
    if (r.type === 'fault' && r.event === 'heal') lastHeal = Math.max(lastHeal ?? r.at, r.at);
    else if (r.type === 'call') calls.push(r);
  }
  if (lastHeal === undefined) {
    return verdict(name, 'inconclusive', 'No fault was healed, so recovery could not be measured.');
  }
  const heal = lastHeal;
  const after = calls.filter((c) => c.actualStart >= heal).sort((a, b) => a.actualStart - b.actualStart);
  if (after.length < minCalls) {
    const summary = `Only ${plural(after.length, 'call')} started after the last heal (at least ${count(minCalls)} needed), so recovery could not be judged.`;
    return verdict(name, 'inconclusive', summary);
  }
  let lastBad = -1;
  after.forEach((c, i) => {
    if (!isGood(c)) lastBad = i;
  });
  const recoveredAt = after[lastBad + 1];
  const goodRun = after.length - (lastBad + 1);
  const bad = after.filter((c) => !isGood(c));
  const evidence = () => {
    const late = bad.filter((c) => c.actualStart > heal + budget);
    const list = new EvidenceList();
    for (const c of late.length > 0 ? late : bad.slice(-1)) {
      const what = c.code ? `${c.outcome} ${c.code}` : c.outcome;
      list.add({
        correlationId: c.correlationId,
        message: `${c.tool} ${what} at ${ms(c.actualStart - heal)} after the heal`,
      });
    }
    return list;
  };
  if (recoveredAt !== undefined && goodRun >= window) {
    const took = recoveredAt.actualStart - heal;
    const tail = `the ${plural(goodRun, 'call')} from then on all succeeded`;
    if (took <= budget) {
      return verdict(
        name,
        'pass',
        `Recovered ${ms(took)} after the last heal (budget ${ms(budget)}, margin ${ms(budget - took)}): ${tail}.`,
        undefined,
        margin(took, budget, 'ms', 'lower', 'recovery after the last heal'),
      );
    }
    const summary = `Recovered only ${ms(took)} after the last heal, over the ${ms(budget)} budget (${plural(bad.length, 'call')} failed after the heal).`;
    return verdict(
      name,
      'fail',
      summary,
      evidence(),
      margin(took, budget, 'ms', 'lower', 'recovery after the last heal'),
    );
  }
  const summary = `Did not recover: the last of ${plural(bad.length, 'failed call')} started ${ms((after[lastBad]?.actualStart ?? heal) - heal)} after the last heal, and only ${plural(goodRun, 'good call')} followed (${count(window)} needed; budget ${ms(budget)}).`;
  return verdict(name, 'fail', summary, evidence());
}

const OUTCOMES: Pick<CallRecord, 'outcome' | 'code'>[] = [
  { outcome: 'ok' },
  { outcome: 'error', code: 'NOT_FOUND' },
  { outcome: 'error', code: 'RATE_LIMITED' },
  { outcome: 'error' },
  { outcome: 'transport-error', code: 'ECONNRESET' },
  { outcome: 'protocol-error' },
  { outcome: 'timeout' },
];

/**
 * A random journal as the driver writes one: each record is journaled at its time (a call's end,
 * a heal's `at`) plus a delivery jitter below `jitter`, so calls arrive out of start order by
 * less than the longest call (`maxCall`) plus the jitter: the reorder window the fold is given.
 */
const journals = fc
  .record({
    maxCall: fc.integer({ min: 0, max: 300 }),
    jitter: fc.integer({ min: 0, max: 50 }),
    span: fc.integer({ min: 1, max: 4000 }),
    badness: fc.double({ min: 0, max: 1, noNaN: true }),
    noise: fc.constantFrom(0, 0, 0.01, 0.1),
    calls: fc.array(
      fc.record({
        start: fc.double({ min: 0, max: 1, noNaN: true }),
        took: fc.double({ min: 0, max: 1, noNaN: true }),
        delay: fc.double({ min: 0, max: 1, noNaN: true }),
        roll: fc.double({ min: 0, max: 1, noNaN: true }),
        kind: fc.nat({ max: OUTCOMES.length - 2 }),
      }),
      { maxLength: 300, size: 'max' },
    ),
    heals: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        delay: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { maxLength: 4, size: 'max' },
    ),
    options: fc.record({
      ms: fc.integer({ min: 0, max: 600 }),
      window: fc.integer({ min: 1, max: 10 }),
      minCalls: fc.integer({ min: 0, max: 20 }),
    }),
  })
  .map(({ maxCall, jitter, span, badness, noise, calls, heals, options }) => {
    const timed: { key: number; order: number; record: JournalRecord }[] = [];
    calls.forEach((c, i) => {
      const at = Math.round(c.start * span); // whole ms: ties in start are common
      const took = Math.round(c.took * maxCall);
      // A bad stretch: bad calls grow likelier towards `badness` of the span, then stop.
      const outcome =
        c.roll < noise || (c.start < badness && c.roll < 0.7) ? OUTCOMES[c.kind + 1] : OUTCOMES[0];
      const record = call({ at, ms: took, ...outcome });
      timed.push({ key: record.end + c.delay * jitter, order: i, record });
    });
    heals.forEach((h, i) => {
      const at = Math.round(h.at * span);
      timed.push({ key: at + h.delay * jitter, order: calls.length + i, record: fault('heal', at) });
    });
    timed.sort((a, b) => a.key - b.key || a.order - b.order);
    const reorderWindowMs = maxCall + jitter; // the tightest window the guarantee allows
    return { records: timed.map((t) => t.record), options: { ...options, reorderWindowMs } };
  });

describe('recoversWithin as a streaming fold', () => {
  it('gives exactly the verdict of the keep-everything reference, at the end and mid-run', () => {
    fc.assert(
      fc.property(journals, fc.array(fc.nat(), { maxLength: 5 }), ({ records, options }, peeks) => {
        const check = recoversWithin(options);
        const state = check.init();
        const peekAt = new Set(peeks.map((p) => p % (records.length + 1)));
        records.forEach((record, i) => {
          if (peekAt.has(i)) expect(check.finish(state)).toEqual(reference(options, records.slice(0, i)));
          check.update(state, record);
        });
        expect(check.finish(state)).toEqual(reference(options, records));
        // finish did not mutate: asking again gives the same.
        expect(check.finish(state)).toEqual(reference(options, records));
      }),
      { numRuns: 1000 },
    );
  });

  it('is never wrong when records arrive later than the window: exact, or inconclusive', () => {
    fc.assert(
      fc.property(journals, fc.double({ min: 0, max: 1, noNaN: true }), ({ records, options }, shrink) => {
        const narrow = { ...options, reorderWindowMs: Math.floor(options.reorderWindowMs * shrink) };
        const [v] = runChecks([recoversWithin(narrow)], records);
        if (v?.status === 'inconclusive' && v.summary.startsWith('Calls were journaled more than')) return;
        expect(v).toEqual(reference(narrow, records));
      }),
      { numRuns: 1000 },
    );
  });

  it('caps evidence at 20 items and keeps the full count', () => {
    const options = { ms: 100, window: 3, minCalls: 5, reorderWindowMs: 50 };
    const journal: JournalRecord[] = [fault('heal', 0)];
    for (let t = 200; t < 1200; t += 10) journal.push(bad(t));
    journal.push(ok(1300), ok(1310));
    const [v] = runChecks([recoversWithin(options)], journal);
    expect(v).toEqual(reference(options, journal));
    expect(v?.evidence).toHaveLength(20);
    expect(v?.evidenceTotal).toBe(100);
  });

  it('holds only the calls of the reorder window, however long the run', () => {
    const check = recoversWithin({ ms: 5000, window: 5, minCalls: 10, reorderWindowMs: 10_000 });
    const state = check.init();
    let most = 0;
    // 500,000 calls, one every 20 ms (~2.8 hours), each up to 3 s long, journaled at its end in
    // batches (so out of start order), with a fault healed every half hour and 2 s of failures
    // after each heal.
    let batch: JournalRecord[] = [];
    for (let i = 0; i < 500_000; i++) {
      const at = i * 20;
      if (at % 1_800_000 === 0) check.update(state, fault('heal', at));
      batch.push(at % 1_800_000 < 2000 ? bad(at) : call({ at, ms: (i * 7919) % 3000 }));
      if (batch.length === 50) {
        batch.sort((a, b) => (a.type === 'call' && b.type === 'call' ? a.end - b.end : 0));
        for (const record of batch) check.update(state, record);
        batch = [];
        most = Math.max(most, bufferedCalls(state));
      }
    }
    for (const record of batch) check.update(state, record);
    // 10 s window + 3 s longest call, at 50 calls/s: about 650 calls, never all 500,000.
    expect(most).toBeLessThan(1000);
    expect(check.finish(state).summary).toBe(
      'Recovered 2,000 ms after the last heal (budget 5,000 ms, margin 3,000 ms): the 49,900 calls from then on all succeeded.',
    );
  });

  it('is inconclusive, not wrong, when a call arrives later than the reorder window', () => {
    const options = { ms: 1000, window: 3, minCalls: 3, reorderWindowMs: 100 };
    const late = bad(500);
    const journal = [fault('heal', 0), ok(400), ok(600), ok(700), ok(800), ok(900), late];
    const [v] = runChecks([recoversWithin(options)], journal);
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toMatch(/^Calls were journaled more than 100 ms out of start order/);
    // With a window wide enough, the same journal is judged exactly.
    const wide = { ...options, reorderWindowMs: 1000 };
    expect(runChecks([recoversWithin(wide)], journal)[0]).toEqual(reference(wide, journal));
  });

  it('is inconclusive when a heal arrives after calls that started later were folded', () => {
    const options = { ms: 1000, window: 3, minCalls: 3, reorderWindowMs: 100 };
    const journal = [ok(100), ok(200), ok(300), ok(400), ok(500), fault('heal', 150)];
    expect(runChecks([recoversWithin(options)], journal)[0]?.status).toBe('inconclusive');
  });

  it('judges exactly when what arrived out of order is superseded by a later heal', () => {
    const options = { ms: 1000, window: 3, minCalls: 3, reorderWindowMs: 100 };
    const journal = [
      fault('heal', 0),
      ok(400),
      ok(600),
      bad(300),
      fault('heal', 650),
      ok(700),
      ok(800),
      ok(900),
    ];
    const [v] = runChecks([recoversWithin(options)], journal);
    expect(v?.status).toBe('pass');
    expect(v).toEqual(reference(options, journal));
  });
});
