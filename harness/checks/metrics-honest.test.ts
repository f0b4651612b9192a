import { describe, expect, it } from 'vitest';
import { type JournalRecord, seriesKey } from '../journal/index.ts';
import { metricsHonest } from './metrics-honest.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';
import { pg, probe } from './test-probes.ts';

const counterKey = (tool: string, code = 'OK') => seriesKey('mcp_tool_calls_total', { code, tool });

interface Tick {
  /** Counter values by tool; omitted tools have no series yet (prom-client's labelled counters). */
  counter?: Record<string, number>;
  gauge?: number;
  connections?: number;
  cpu?: number;
}

/** One probe tick: a metrics sample and a postgres sample started together. */
function tick(at: number, { counter = {}, gauge, connections, cpu = at / 1000 }: Tick): JournalRecord[] {
  const values: Record<string, number> = { process_cpu_seconds_total: cpu };
  for (const [tool, n] of Object.entries(counter)) values[counterKey(tool)] = n;
  if (gauge !== undefined) values.db_pool_total = gauge;
  const out: JournalRecord[] = [probe('metrics', at, values)];
  if (connections !== undefined) out.push(pg(at + 0.01, connections));
  return out;
}

/**
 * 10 calls a second of lookup_customer for 20 s, and a tick every second whose counter counts
 * `counted(n)` of the n calls ended so far; the pool gauge and pg_stat_activity by `pool(at)`.
 */
function run(
  counted: (n: number) => number = (n) => n,
  pool: (at: number) => { gauge?: number; connections?: number } = () => ({ gauge: 3, connections: 3 }),
  outcome: (i: number) => JournalRecord & { type: 'call' } = () => call({}),
): JournalRecord[] {
  const records: { at: number; r: JournalRecord }[] = [];
  for (let i = 0; i < 200; i++) {
    const start = 50 + i * 100;
    const c = { ...outcome(i), actualStart: start, intendedStart: start, end: start + 20 };
    records.push({ at: c.end, r: c });
  }
  for (let at = 0; at <= 21_000; at += 1000) {
    const ended = records.filter((x) => x.r.type === 'call' && x.at <= at).length;
    const n = counted(ended);
    const samples = tick(at, { counter: n > 0 ? { lookup_customer: n } : {}, ...pool(at) });
    // The sample is journaled when it completes, a few ms after it started.
    for (const r of samples) records.push({ at: at + 5, r });
  }
  return records.sort((a, b) => a.at - b.at).map((x) => x.r);
}

describe('metricsHonest', () => {
  it('passes when the counter and the pool gauge agree with the journal, with margins', () => {
    const [v] = runChecks([metricsHonest()], run());
    expect(v).toMatchObject({ check: 'metricsHonest', status: 'pass', evidenceTotal: 0 });
    expect(v?.summary).toBe(
      "The target's /metrics agree with the journal: mcp_tool_calls_total rose by 200 from 00:00:00.000Z to " +
        '00:00:21.000Z, the journal has 200 calls the target answered (allowed 190–210, margin 10); ' +
        'db_pool_total agreed with pg_stat_activity within ±2 in 22 of 22 ticks (100%, at least 80% needed, margin 20 points).',
    );
  });

  it('fails when the counter is never incremented (no series at all)', () => {
    const [v] = runChecks(
      [metricsHonest()],
      run(() => 0),
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'no mcp_tool_calls_total series in any /metrics sample while the journal has 200 calls the target answered',
    );
  });

  it('fails when the counter misses calls, naming the tool', () => {
    const [v] = runChecks(
      [metricsHonest()],
      run((n) => Math.ceil(n / 2)),
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'mcp_tool_calls_total rose by 100 from 00:00:00.000Z to 00:00:21.000Z but the journal has 200 calls the target answered (allowed 190–210)',
    );
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'lookup_customer: mcp_tool_calls_total +100, journal 200 answered',
    ]);
  });

  it('lets calls that may not have reached the target widen the range, not shift it', () => {
    // Every fifth call timed out: the target may or may not have counted it.
    const outcome = (i: number) => call(i % 5 === 0 ? { outcome: 'timeout' } : {});
    const some = runChecks(
      [metricsHonest()],
      run((n) => n - Math.floor(n / 10), undefined, outcome),
    )[0];
    expect(some?.status).toBe('pass');
    expect(some?.summary).toContain(
      'the journal has 160 calls the target answered and 40 that may have reached it (allowed 152–208',
    );
    const none = runChecks(
      [metricsHonest()],
      run((n) => Math.floor(n * 0.7), undefined, outcome),
    )[0];
    expect(none?.status).toBe('fail');
  });

  it('leaves out an interval in which the target restarted (the counter went back)', () => {
    const records = run((n) => (n > 100 ? n - 100 : n));
    const [v] = runChecks([metricsHonest()], records);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('rose by 190');
    expect(v?.summary).toContain('1 interval with a restart left out');
  });

  it('fails a pool gauge frozen while pg_stat_activity moves (pool-gauge-stale), citing the ticks', () => {
    const pool = (at: number) => ({ gauge: 0, connections: at < 3000 ? 1 : 3 + ((at / 1000) % 5) });
    const [v] = runChecks([metricsHonest()], run(undefined, pool));
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'db_pool_total agreed with pg_stat_activity within ±2 in 3 of 22 ticks (14%, at least 80% needed)',
    );
    expect(v?.evidence[0]?.message).toBe('00:00:03.000Z: db_pool_total 0, pg_stat_activity 6');
    expect(v?.evidenceTotal).toBe(19);
  });

  it('does not compare the gauge during faults on the target→postgres link', () => {
    const pool = (at: number) => ({ gauge: 3, connections: at >= 5000 && at <= 15_000 ? 12 : 3 });
    const records = run(undefined, pool);
    const blackhole = (event: 'inject' | 'heal', at: number): JournalRecord => ({
      type: 'fault',
      fault: 'blackhole(target→postgres)',
      event,
      at,
      link: 'target→postgres',
    });
    const i = records.findIndex((r) => r.type === 'probe' && r.at >= 5000);
    records.splice(i, 0, blackhole('inject', 4999));
    const j = records.findIndex((r) => r.type === 'probe' && r.at >= 11_000);
    records.splice(j, 0, blackhole('heal', 10_999));
    const [v] = runChecks([metricsHonest()], records);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('11 ticks during faults on target→postgres not compared');
  });

  it('judges a part alone when the other cannot be, and is inconclusive when neither can', () => {
    const noGauge = runChecks(
      [metricsHonest()],
      run(undefined, () => ({})),
    )[0];
    expect(noGauge?.status).toBe('pass');
    expect(noGauge?.summary).toContain('db_pool_total not judged: no such series in the metrics samples');
    const off = runChecks([metricsHonest({ counter: false, poolGauge: false })], run())[0];
    expect(off?.status).toBe('inconclusive');
    expect(runChecks([metricsHonest()], [call({})])[0]).toMatchObject({
      status: 'inconclusive',
      summary:
        'Nothing in /metrics could be compared with the journal: mcp_tool_calls_total not judged: fewer than two ' +
        'metrics samples; db_pool_total not judged: no such series in the metrics samples.',
    });
  });

  it('pairs the two probes of one tick whichever is journaled first, and finish leaves the state alone', () => {
    const records = run().reverse();
    // Reversed wholesale the counter intervals break, but the pool pairs still match.
    const check = metricsHonest({ counter: false });
    const state = check.init();
    for (const r of records) check.update(state, r);
    const first = check.finish(state);
    expect(first.summary).toContain('in 22 of 22 ticks');
    expect(check.finish(state)).toEqual(first);
  });
});

describe('metricsHonest memory', () => {
  it('holds a bounded number of calls when the metrics probe stops answering, and still counts them', () => {
    const check = metricsHonest({ poolGauge: false });
    const state = check.init();
    check.update(state, probe('metrics', 0, {}));
    for (let i = 0; i < 100_000; i++) check.update(state, call({ at: 1 + i, ms: 1 }));
    expect(state.pending.length).toBeLessThanOrEqual(10_000);
    check.update(state, probe('metrics', 200_000, { [counterKey('lookup_customer')]: 100_000 }));
    expect(check.finish(state)).toMatchObject({ status: 'pass' });
    expect(check.finish(state).summary).toContain('rose by 100,000');
  });
});
