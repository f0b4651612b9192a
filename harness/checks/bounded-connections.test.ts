import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { boundedConnections } from './bounded-connections.ts';
import { runChecks } from './run.ts';
import { fault } from './test-journal.ts';
import { APP, pg, phases, probe, series } from './test-probes.ts';

/** Records in time order, as the journal has them (phase records first on a tie). */
function journal(...groups: JournalRecord[][]): JournalRecord[] {
  const time = (r: JournalRecord) => ('at' in r ? r.at : 0);
  return groups
    .flat()
    .sort((a, b) => time(a) - time(b) || (a.type === 'phase' ? -1 : b.type === 'phase' ? 1 : 0));
}

/**
 * 3 connections (1 active) at baseline, `during` in the fault phase, `after` in recovery (of
 * them `afterInUse` active); every 500 ms.
 */
function run(during: number, after: number, afterInUse = 1): JournalRecord[] {
  return journal(
    phases(),
    series(0, 30_000, 500, (at) =>
      at < 10_000
        ? pg(at, 3, {}, 1)
        : at < 20_000
          ? pg(at, during, {}, during)
          : pg(at, after, {}, afterInUse),
    ),
  );
}

/** The pool's own gauges every 500 ms: `total` connections, `inUse` of them checked out. */
function pool(from: number, to: number, total: number, inUse: number): JournalRecord[] {
  return series(from, to, 500, (at) =>
    probe('metrics', at, { db_pool_total: total, db_pool_idle: total - inUse }),
  );
}

describe('boundedConnections', () => {
  it('passes with the peak against the max and the end against the baseline', () => {
    const [v] = runChecks([boundedConnections({ max: 10 })], run(8, 3));
    expect(v).toMatchObject({ check: 'boundedConnections', status: 'pass', evidenceTotal: 0 });
    expect(v?.summary).toBe(
      "The target's PostgreSQL connections stayed bounded (peak 8 of max 10 at 00:00:10.000Z in " +
        'pg_stat_activity, margin 2; not idle in pg_stat_activity: ended at 1 (median of the last 5), ' +
        'baseline 1, tolerance +2, margin 2).',
    );
  });

  it('fails when the connections exceed the max, naming the sample times', () => {
    const [v] = runChecks([boundedConnections({ max: 10 })], run(12, 3));
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(
      /^The target's PostgreSQL connections exceeded the pool max of 10 in 20 readings \(highest 12\)/,
    );
    expect(v?.evidenceTotal).toBe(20);
    expect(v?.evidence[0]?.message).toBe('00:00:10.000Z: pg_stat_activity 12 > max 10');
  });

  it('fails when the connections in use do not return to the baseline (a leak)', () => {
    const [v] = runChecks([boundedConnections({ max: 10 })], run(8, 7, 7));
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'did not return to baseline, not idle in pg_stat_activity: ended at 7 (median of the last 5), baseline 1, tolerance +2',
    );
    expect(v?.evidence.map((e) => e.message)).toEqual([
      '00:00:27.500Z: 7 not idle in pg_stat_activity at the end',
      '00:00:28.000Z: 7 not idle in pg_stat_activity at the end',
      '00:00:28.500Z: 7 not idle in pg_stat_activity at the end',
      '00:00:29.000Z: 7 not idle in pg_stat_activity at the end',
      '00:00:29.500Z: 7 not idle in pg_stat_activity at the end',
    ]);
  });

  it('judges what the pool has checked out by its own gauges: idle backends of leaked clients count', () => {
    // The pool grew to 10 in the fault and keeps them idle until its idle timeout: fine.
    const cached = journal(run(10, 10, 1), pool(0, 10_000, 3, 1), pool(10_000, 30_000, 10, 1));
    expect(runChecks([boundedConnections({ max: 10 })], cached)[0]?.status).toBe('pass');
    // Same backends, all idle in PostgreSQL, but 8 clients never came back to the pool.
    const leaked = journal(
      run(10, 10, 1),
      pool(0, 10_000, 3, 1),
      pool(10_000, 20_000, 10, 10),
      pool(20_000, 30_000, 10, 8),
    );
    const [v] = runChecks([boundedConnections({ max: 10 })], leaked);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'did not return to baseline, checked out of the pool (db_pool_total − db_pool_idle): ended at 8 (median of the last 5), baseline 1',
    );
    // settle: 'all' holds the idle cache against the baseline too.
    const [all] = runChecks([boundedConnections({ max: 10, settle: 'all' })], cached);
    expect(all?.status).toBe('fail');
    expect(all?.summary).toContain('did not return to baseline, connections: ended at 10');
  });

  it('takes the max from the db_pool_max gauge, even when it comes after the first samples', () => {
    const records = run(12, 3);
    const gauge = probe('metrics', 11_000, { db_pool_max: 10, db_pool_total: 9 });
    const [v] = runChecks([boundedConnections()], [...records.slice(0, 25), gauge, ...records.slice(25)]);
    expect(v?.status).toBe('fail');
    expect(v?.evidence[0]?.message).toBe('00:00:10.000Z: pg_stat_activity 12 > max 10');
  });

  it('fails when the pool gauge itself exceeds the max', () => {
    const records = [...run(3, 3), probe('metrics', 15_000, { db_pool_max: 10, db_pool_total: 11 })];
    const [v] = runChecks([boundedConnections()], records);
    expect(v?.status).toBe('fail');
    expect(v?.evidence[0]?.message).toBe('00:00:15.000Z: db_pool_total 11 > max 10');
  });

  it('without a max judges only the return to baseline, and says so', () => {
    const [v] = runChecks([boundedConnections()], run(50, 3));
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('no pool max known (pass max, or expose a db_pool_max gauge)');
  });

  it("counts only the target's connections, not the harness's own", () => {
    const records = journal(
      phases(),
      series(0, 30_000, 500, (at) => pg(at, 3, { 'mcp-chaos-exhaust': 90, 'mcp-chaos-fault': 1 })),
    );
    expect(runChecks([boundedConnections({ max: 10 })], records)[0]?.status).toBe('pass');
    const onlyOther = boundedConnections({ max: 10, applicationName: 'someone-else' });
    expect(runChecks([onlyOther], records)[0]?.summary).toContain('peak 0 of max 10');
    const [v] = runChecks([boundedConnections({ max: 10, applicationName: APP })], records);
    expect(v?.summary).toContain('peak 3 of max 10');
  });

  it('does not hold lingering backends behind a faulty target→postgres link against the max', () => {
    const blackhole = (event: 'inject' | 'heal', at: number) => ({
      ...fault(event, at, 'blackhole(target→postgres)'),
    });
    const records = journal(
      phases(),
      [blackhole('inject', 12_000), blackhole('heal', 16_000)],
      series(0, 30_000, 500, (at) => pg(at, at >= 12_000 && at < 19_000 ? 14 : 3)),
    );
    const [v] = runChecks([boundedConnections({ max: 10 })], records);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('19 samples during faults on target→postgres not held against the max');
    const strict = runChecks([boundedConnections({ max: 10, linkGraceMs: 0 })], records)[0];
    expect(strict?.status).toBe('fail');
    expect(strict?.evidence[0]?.message).toBe('00:00:16.500Z: pg_stat_activity 14 > max 10');
  });

  it('with trend, fails a soak run whose connections creep up, and passes a flat one', () => {
    const hour = 3_600_000;
    const soak = (f: (at: number) => number) =>
      journal(
        [
          { type: 'phase', name: 'soak', event: 'start', at: 0 },
          { type: 'phase', name: 'soak', event: 'end', at: 2 * hour },
        ],
        series(0, 2 * hour, 500, (at) => pg(at, f(at))),
      );
    // One more connection every 10 minutes, idle timeout or not: 6/h.
    const creeping = soak((at) => 3 + Math.floor(at / 600_000));
    const [v] = runChecks([boundedConnections({ trend: true, tolerance: 20 })], creeping);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(
      /connections rose steadily \(\+6\.\d\/h over 2 h, limit \+2\/h, fitted rise 1\d\.\d\)/,
    );
    expect(v?.evidence.length).toBeGreaterThanOrEqual(5);
    expect(v?.evidence.at(-1)?.message).toBe('01:59:59.500Z: 14 connections');
    // Busy and idle in turns, no growth: the sawtooth must not read as a trend.
    const flat = soak((at) => 3 + (Math.floor(at / 60_000) % 2) * 5);
    const [ok] = runChecks([boundedConnections({ trend: true, tolerance: 20 })], flat);
    expect(ok?.status).toBe('pass');
    expect(ok?.summary).toMatch(/trend [+-]0\.\d\/h over 2 h, limit \+2\/h/);
    // By default the trend is judged when the journal's header says the run was a soak.
    const header = (profile: string) =>
      ({
        type: 'header',
        runId: 'r',
        scenario: 's',
        seed: 1,
        runtime: 'local',
        startedAt: 0,
        versions: { harness: '0', node: 'v24' },
        config: { profile },
      }) as const;
    expect(runChecks([boundedConnections({ tolerance: 20 })], [header('soak'), ...creeping])[0]?.status).toBe(
      'fail',
    );
    expect(
      runChecks([boundedConnections({ tolerance: 20 })], [header('quick'), ...creeping])[0]?.status,
    ).toBe('pass');
  });

  it('is inconclusive without postgres samples', () => {
    const records = journal(phases(), [probe('postgres', 1000, undefined, false)]);
    expect(runChecks([boundedConnections({ max: 10 })], records)[0]).toMatchObject({
      status: 'inconclusive',
      summary: 'No postgres probe samples, so the connections could not be judged.',
    });
  });

  it('keeps bounded state over a long run, and finish does not change it', () => {
    const check = boundedConnections({ max: 10, trend: true });
    const state = check.init();
    for (const r of journal(
      phases(),
      series(0, 20_000_000, 500, (at) => pg(at, 3)),
    ))
      check.update(state, r);
    expect(state.connections.sketch.length).toBeLessThanOrEqual(32);
    expect(state.connections.baseline.length).toBeLessThanOrEqual(256);
    expect(state.connections.tail).toHaveLength(5);
    const first = check.finish(state);
    expect(check.finish(state)).toEqual(first);
  });
});
