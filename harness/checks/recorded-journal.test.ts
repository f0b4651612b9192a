import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type JournalRecord, parseJournal, type RecordOf } from '../journal/index.ts';
import { boundedConnections } from './bounded-connections.ts';
import { boundedMemory } from './bounded-memory.ts';
import { healthTruthful } from './health-truthful.ts';
import { metricsHonest } from './metrics-honest.ts';
import { runChecks } from './run.ts';

// A recorded run of the database-restart scenario against the good reference build (local
// runtime, probes every 500 ms), trimmed to what these checks read: phases, faults, probe samples
// (not Toxiproxy's) and calls without their arguments and results. The defects are then
// replayed on it by rewriting what the probes saw, so each check is shown to tell them apart on
// real data, not only on hand-built series.
const recorded = parseJournal(
  gunzipSync(readFileSync(new URL('./fixtures/database-restart.jsonl.gz', import.meta.url))).toString('utf8'),
  'database-restart.jsonl',
);

const rewrite = (name: string, f: (values: Record<string, number>, at: number) => Record<string, number>) =>
  recorded.map(
    (r): JournalRecord =>
      r.type === 'probe' && r.name === name && r.values ? { ...r, values: f(r.values, r.at) } : r,
  );

describe('the probe checks on a recorded database-restart run', () => {
  it('pass on the good build', () => {
    const verdicts = runChecks(
      [boundedConnections({ max: 10 }), boundedMemory(), healthTruthful(), metricsHonest()],
      recorded,
    );
    expect(verdicts.map((v) => [v.check, v.status])).toEqual([
      ['boundedConnections', 'pass'],
      ['boundedMemory', 'pass'],
      ['healthTruthful', 'pass'],
      ['metricsHonest', 'pass'],
    ]);
    expect(verdicts[2]?.summary).toMatch(
      /^\/readyz told the truth through 1 PostgreSQL outage: not-ready \d+ ms after/,
    );
  });

  it('healthTruthful fails a /readyz that is always ok, citing the black hole', () => {
    const alwaysOk = recorded.map(
      (r): JournalRecord => (r.type === 'probe' && r.name === 'readyz' ? { ...r, ok: true } : r),
    );
    const [v] = runChecks([healthTruthful()], alwaysOk);
    expect(v?.status).toBe('fail');
    expect(v?.evidence[0]?.message).toMatch(
      /^blackhole\(target→postgres\) from 10:17:10\.141Z to 10:17:20\.148Z \(10,008 ms\): \/readyz said ready in all \d+ samples of the outage$/,
    );
  });

  it('metricsHonest fails pool gauges stuck at their start-up values, and a counter that is never incremented', () => {
    const stale = rewrite('metrics', (v) => ({ ...v, db_pool_total: 0, db_pool_idle: 0 }));
    const [gauge] = runChecks([metricsHonest()], stale);
    expect(gauge?.status).toBe('fail');
    expect(gauge?.summary).toContain(
      'db_pool_total agreed with pg_stat_activity within ±2 in 11 of 21 ticks (52%, at least 80% needed)',
    );
    expect(gauge?.evidence[0]?.message).toMatch(/^10:17:\d\d\.\d{3}Z: db_pool_total 0, pg_stat_activity 10$/);
    const silent = rewrite('metrics', (v) =>
      Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('mcp_tool_calls_total'))),
    );
    const [counter] = runChecks([metricsHonest()], silent);
    expect(counter?.status).toBe('fail');
    expect(counter?.summary).toContain(
      'no mcp_tool_calls_total series in any /metrics sample while the journal has 500 calls',
    );
  });

  it('boundedConnections fails clients that never go back to the pool after the outage', () => {
    const heal = recorded.find(
      (r): r is RecordOf<'fault'> => r.type === 'fault' && r.event === 'heal' && r.link === 'target→postgres',
    );
    expect(heal).toBeDefined();
    const leaked = rewrite('metrics', (v, at) =>
      at > (heal?.at ?? Number.POSITIVE_INFINITY) ? { ...v, db_pool_total: 10, db_pool_idle: 2 } : v,
    );
    const [v] = runChecks([boundedConnections({ max: 10 })], leaked);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'did not return to baseline, checked out of the pool (db_pool_total − db_pool_idle): ended at 8',
    );
  });
});
