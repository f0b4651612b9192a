import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { healthTruthful, postgresOutage } from './health-truthful.ts';
import { runChecks } from './run.ts';
import { probe, series } from './test-probes.ts';

function fault(name: string, event: 'inject' | 'heal', at: number, link?: string): JournalRecord {
  return { type: 'fault', fault: name, event, at, ...(link ? { link } : {}) };
}

/** readyz every 500 ms over [0, 40 s): ok unless `down(at)`. Faults first on a tie, as journaled. */
function run(faults: JournalRecord[], down: (at: number) => boolean): JournalRecord[] {
  const samples = series(0, 40_000, 500, (at) => probe('readyz', at, undefined, !down(at)));
  const at = (r: JournalRecord) => ('at' in r ? r.at : 0);
  return [...faults, ...samples].sort((a, b) => at(a) - at(b) || (a.type === 'fault' ? -1 : 1));
}

const pause = [fault('pause(postgres)', 'inject', 10_000), fault('pause(postgres)', 'heal', 20_000)];

describe('healthTruthful', () => {
  it('passes with its margins when /readyz goes not-ready soon after the inject and ready soon after the heal', () => {
    const [v] = runChecks(
      [healthTruthful()],
      run(pause, (at) => at >= 10_500 && at < 21_500),
    );
    expect(v).toMatchObject({ check: 'healthTruthful', status: 'pass', evidenceTotal: 0 });
    expect(v?.summary).toBe(
      '/readyz told the truth through 1 PostgreSQL outage: not-ready 500 ms after the inject at worst ' +
        '(limit 3,000 ms, margin 2,500 ms), ready again 1,500 ms after the heal at worst (limit 10,000 ms, margin 8,500 ms).',
    );
  });

  it('fails when /readyz stays ok through the outage (the readyz-always-ok defect), citing the fault window', () => {
    const [v] = runChecks(
      [healthTruthful()],
      run(pause, () => false),
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('/readyz did not tell the truth in 1 of 1 PostgreSQL outage.');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'pause(postgres) from 00:00:10.000Z to 00:00:20.000Z (10,000 ms): /readyz said ready in all 20 samples of the outage',
    ]);
  });

  it('fails when /readyz degrades too late or comes back too late', () => {
    const late = runChecks(
      [healthTruthful()],
      run(pause, (at) => at >= 14_200 && at < 21_000),
    )[0];
    expect(late?.status).toBe('fail');
    expect(late?.evidence[0]?.message).toMatch(
      /said not-ready only 4,500 ms after the inject \(limit 3,000 ms\)$/,
    );
    const slow = runChecks(
      [healthTruthful()],
      run(pause, (at) => at >= 10_000 && at < 34_000),
    )[0];
    expect(slow?.evidence[0]?.message).toMatch(
      /said ready again only 14,000 ms after the heal \(limit 10,000 ms\)$/,
    );
    const never = runChecks(
      [healthTruthful()],
      run(pause, (at) => at >= 10_000),
    )[0];
    expect(never?.evidence[0]?.message).toMatch(
      /still said not-ready 19,500 ms after the heal \(limit 10,000 ms\)$/,
    );
  });

  it('skips faults healed within degradedWithin, and faults that leave PostgreSQL reachable', () => {
    const blip = [fault('stop(postgres)', 'inject', 10_000), fault('stop(postgres)', 'heal', 12_000)];
    const [v] = runChecks(
      [healthTruthful()],
      run(blip, () => false),
    );
    expect(v).toMatchObject({ status: 'inconclusive' });
    expect(v?.summary).toBe(
      'No PostgreSQL outage lasted long enough and had readyz samples, so /readyz could not be judged (1 outage healed within 3,000 ms skipped).',
    );
    const slow = [
      fault('latency(target→postgres, 3000 ms, downstream)', 'inject', 10_000, 'target→postgres'),
      fault('latency(target→postgres, 3000 ms, downstream)', 'heal', 20_000, 'target→postgres'),
    ];
    expect(
      runChecks(
        [healthTruthful()],
        run(slow, () => false),
      )[0]?.summary,
    ).toBe('No fault made PostgreSQL unreachable, so /readyz could not be judged.');
  });

  it('judges ready-again only once no other outage is still on', () => {
    // As in database-restart: black-holed for 10 s, PostgreSQL restarted inside it.
    const faults = [
      fault('blackhole(target→postgres)', 'inject', 10_000, 'target→postgres'),
      fault('restart(postgres)', 'inject', 16_000),
      fault('restart(postgres)', 'heal', 18_000),
      fault('blackhole(target→postgres)', 'heal', 20_000, 'target→postgres'),
    ];
    const [v] = runChecks(
      [healthTruthful()],
      run(faults, (at) => at >= 11_000 && at < 22_000),
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('through 1 PostgreSQL outage: not-ready 1,000 ms after the inject');
    expect(v?.summary).toContain('ready again 2,000 ms after the heal at worst');
    expect(v?.summary).toContain('1 outage healed within 3,000 ms skipped');
  });

  it('takes the dependency predicate as an option', () => {
    const identity = [
      fault('down(target→identity)', 'inject', 10_000, 'target→identity'),
      fault('down(target→identity)', 'heal', 20_000, 'target→identity'),
    ];
    const check = healthTruthful({ dependency: (f) => f.link === 'target→identity' });
    expect(
      runChecks(
        [check],
        run(identity, () => false),
      )[0]?.status,
    ).toBe('fail');
    expect(
      runChecks(
        [healthTruthful()],
        run(identity, () => false),
      )[0]?.status,
    ).toBe('inconclusive');
  });

  it('is inconclusive without readyz samples', () => {
    expect(runChecks([healthTruthful()], pause)[0]).toMatchObject({
      status: 'inconclusive',
      summary: 'No readyz probe samples, so /readyz could not be judged.',
    });
  });

  it('knows which journaled faults make PostgreSQL unreachable', () => {
    const db = 'target→postgres';
    const cases: [string, string | undefined, boolean][] = [
      ['restart(postgres)', undefined, true],
      ['stop(postgres)', undefined, true],
      ['pause(postgres)', undefined, true],
      ['blackhole(target→postgres)', db, true],
      ['down(target→postgres)', db, true],
      ['timeout(target→postgres, after 0 ms, downstream)', db, true],
      ['timeout(target→postgres, after 0 ms, downstream, toxicity 0.5)', db, false],
      ['latency(target→postgres, 300 ms, downstream)', db, false],
      ['bandwidth(target→postgres, 1 KB/s, downstream)', db, false],
      ['restart(target)', undefined, false],
      ['exhaustConnections(postgres, leave 0)', undefined, false],
      ['terminateBackends(postgres)', undefined, false],
      ['down(client→target)', 'client→target', false],
    ];
    for (const [name, link, expected] of cases) {
      const record = {
        type: 'fault',
        fault: name,
        event: 'inject',
        at: 0,
        ...(link ? { link } : {}),
      } as const;
      expect([name, postgresOutage(record)]).toEqual([name, expected]);
    }
  });
});
