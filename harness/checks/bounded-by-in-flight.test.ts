import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { boundedByInFlight } from './bounded-by-in-flight.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

const T = Date.UTC(2026, 10, 25, 1, 0, 0);
const kill = (event: RecordOf<'fault'>['event'], at: number, inFlight?: number): RecordOf<'fault'> => ({
  type: 'fault',
  fault: 'kill(target-2, SIGKILL)',
  event,
  at,
  ...(inFlight === undefined ? {} : { data: { inFlight } }),
});
const failed = (at: number) => call({ at, ms: 5, outcome: 'transport-error', code: 'HTTP_502' });

describe('boundedByInFlight', () => {
  it('passes when no more calls failed after the kill than the instance had in flight', () => {
    const [v] = runChecks(
      [boundedByInFlight()],
      [
        failed(T - 1000), // before the kill: not this check's business
        kill('injecting', T),
        kill('inject', T + 5, 3),
        failed(T + 1),
        failed(T + 2),
        failed(T + 3),
        call({ at: T + 10 }),
        call({ at: T + 20 }),
        kill('heal', T + 4000),
      ],
    );
    expect(v).toMatchObject({ status: 'pass' });
    expect(v?.summary).toBe(
      '3 calls failed from 01:00:00.000Z on, 2 calls answered; the killed instance had 3 in flight (3 at the signal, 0 cut by the death): the others took the load.',
    );
  });

  it('fails when calls kept failing after the kill, with them as evidence', () => {
    const [v] = runChecks(
      [boundedByInFlight()],
      [kill('injecting', T), kill('inject', T + 5, 1), failed(T + 1), failed(T + 500), failed(T + 3000)],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain('2 more failed than were in flight on it');
    expect(v?.evidenceTotal).toBe(3);
    expect(v?.evidence[0]?.message).toMatch(/lookup_customer transport-error \(HTTP_502\)/);
  });

  it('counts the calls the router saw cut by the death when more than were in flight at the signal', () => {
    const records = [kill('injecting', T), kill('inject', T + 5, 0), failed(T + 1), kill('heal', T + 4000)];
    expect(runChecks([boundedByInFlight()], records)[0]?.status).toBe('fail');
    const cut: RecordOf<'fault'> = { ...kill('heal', T + 4000), data: { lost: 1 } };
    const [v] = runChecks([boundedByInFlight()], [...records.slice(0, 3), cut]);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('had 1 in flight (0 at the signal, 1 cut by the death)');
  });

  it('is inconclusive without a kill behind a router', () => {
    expect(runChecks([boundedByInFlight()], [call({ at: T })])[0]?.status).toBe('inconclusive');
    // A kill of a lone target (no router: no in-flight figure) says nothing about the others.
    const [lone] = runChecks(
      [boundedByInFlight()],
      [kill('injecting', T), kill('inject', T + 5), failed(T + 1)],
    );
    expect(lone?.status).toBe('inconclusive');
  });
});
