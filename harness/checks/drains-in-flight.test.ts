import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { drainsInFlight } from './drains-in-flight.ts';
import { runChecks } from './run.ts';
import { call, type JournalRecord } from './test-journal.ts';

const T = Date.UTC(2026, 10, 24, 10, 0, 0);

const sigterm = (at = T, name = 'kill(target, SIGTERM)'): RecordOf<'fault'> => ({
  type: 'fault',
  fault: name,
  event: 'injecting',
  at,
});
const exit = (fields: Partial<RecordOf<'target'>> = {}): RecordOf<'target'> => ({
  type: 'target',
  event: 'exit',
  at: T + 400,
  instance: 'pid 7',
  code: 0,
  signal: null,
  expected: true,
  logTail: ['{"msg":"stopped"}'],
  ...fields,
});

/** Three calls in flight at T (started 300 ms before, 600 ms long), as the good build answers them. */
const inFlight = (outcome: 'ok' | 'transport-error' = 'ok') =>
  [0, 1, 2].map((i) =>
    call({
      at: T - 300 + i,
      ms: 600,
      outcome,
      ...(outcome === 'ok' ? {} : { code: 'ECONNRESET' }),
      correlationId: `inflight-${i}`,
    }),
  );

const judge = (records: JournalRecord[], options = {}) => runChecks([drainsInFlight(options)], records)[0];

describe('drainsInFlight', () => {
  it('passes when every call in flight at the SIGTERM is answered and the target exits 0 in time', () => {
    const before = call({ at: T - 1000, ms: 50 });
    // Refused after the SIGTERM: allowed (the target stops accepting).
    const after = call({ at: T + 50, ms: 5, outcome: 'transport-error', code: 'HTTP_503' });
    const v = judge([before, sigterm(), ...inFlight(), exit(), after]);
    expect(v).toMatchObject({
      status: 'pass',
      summary:
        'All 3 calls in flight at 1 SIGTERM were answered, and the target exited with code 0 at most 400 ms after each (deadline 5,000 ms, margin 4,600 ms).',
    });
  });

  it('fails when calls in flight are cut, naming each by correlation id', () => {
    const v = judge([sigterm(), ...inFlight('transport-error'), exit({ at: T + 5 })]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('The target did not drain on 1 SIGTERM: 3 of 3 calls in flight were lost.');
    expect(v?.evidence[0]).toEqual({
      correlationId: 'inflight-0',
      message:
        'lookup_customer transport-error ECONNRESET: started 300 ms before the SIGTERM of 10:00:00.000Z, ended 300 ms after it',
    });
    expect(v?.evidenceTotal).toBe(3);
  });

  it('counts an error the shutdown caused as lost, a business answer as answered', () => {
    const cut = call({ at: T - 200, ms: 400, outcome: 'error', code: 'DEPENDENCY_UNAVAILABLE' });
    const notFound = call({ at: T - 200, ms: 400, outcome: 'error', code: 'NOT_FOUND' });
    const v = judge([sigterm(), cut, notFound, exit()]);
    expect(v?.summary).toBe('The target did not drain on 1 SIGTERM: 1 of 2 calls in flight were lost.');
    expect(v?.evidence.map((e) => e.correlationId)).toEqual([cut.correlationId]);
  });

  it('fails on an exit that is not clean or not in time', () => {
    const killed = judge([sigterm(), ...inFlight(), exit({ at: T + 10_000, code: null, signal: 'SIGKILL' })]);
    expect(killed?.status).toBe('fail');
    expect(killed?.evidence[0]?.message).toBe(
      'the target was killed by SIGKILL 10,000 ms after the SIGTERM of 10:00:00.000Z',
    );
    const code1 = judge([sigterm(), ...inFlight(), exit({ code: 1 })]);
    expect(code1?.evidence[0]?.message).toBe(
      'the target exited with code 1 400 ms after the SIGTERM of 10:00:00.000Z',
    );
    const late = judge([sigterm(), ...inFlight(), exit({ at: T + 3_000 })], { exitWithinMs: 2_000 });
    expect(late?.summary).toBe('The target did not drain on 1 SIGTERM: 1 exit not clean and on time.');
    expect(late?.evidence[0]?.message).toBe(
      'the target exited 3,000 ms after the SIGTERM of 10:00:00.000Z, over the 2,000 ms deadline',
    );
  });

  it('leaves out calls that started just before the SIGTERM, and matches calls journaled before it', () => {
    const justBefore = call({ at: T - 20, ms: 30, outcome: 'transport-error', code: 'ECONNRESET' });
    // Journaled before the SIGTERM record although it ended after it (records arrive out of order).
    const [early, ...rest] = inFlight();
    const v = judge([early as JournalRecord, justBefore, sigterm(), ...rest, exit()]);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('All 3 calls in flight');
    expect(v?.summary).toContain('(1 call started less than 100 ms before a SIGTERM left out)');
  });

  it('knows restartTarget as a SIGTERM too, and ignores a SIGKILL', () => {
    expect(judge([sigterm(T, 'restart(target)'), ...inFlight(), exit()])?.status).toBe('pass');
    expect(judge([sigterm(T, 'kill(target, SIGKILL)'), ...inFlight('transport-error'), exit()])?.status).toBe(
      'inconclusive',
    );
  });

  it('is inconclusive with no SIGTERM or nothing in flight, and fails when no exit follows a SIGTERM', () => {
    expect(judge([call({ at: T })])?.summary).toBe(
      'No SIGTERM was sent to the target, so draining could not be judged.',
    );
    const idle = judge([call({ at: T - 1000 }), sigterm(), exit()]);
    expect(idle?.status).toBe('inconclusive');
    expect(idle?.summary).toContain('No call was in flight at the 1 SIGTERM');
    const noExit = judge([sigterm(), ...inFlight()]);
    expect(noExit?.status).toBe('fail');
    expect(noExit?.evidence[0]?.message).toBe(
      'no exit of the target was journaled after the SIGTERM of 10:00:00.000Z',
    );
  });
});
