import { describe, expect, it } from 'vitest';
import { runEvent } from './run.ts';

describe('runEvent', () => {
  it('names an event after its self-test run, and a note that names its scenario too', () => {
    expect(
      runEvent('good', { type: 'phase', scenario: 's', at: 1, name: 'p', event: 'start', durationMs: 5 }),
    ).toEqual({
      type: 'phase',
      scenario: 'good/s',
      at: 1,
      name: 'p',
      event: 'start',
      durationMs: 5,
    });
    expect(
      runEvent('leak', { type: 'log', scenario: 's', at: 1, kind: 'note', message: 's: PII scan: 0 hits' }),
    ).toEqual({ type: 'log', scenario: 'leak/s', at: 1, kind: 'note', message: 'leak/s: PII scan: 0 hits' });
    expect(
      runEvent('leak', { type: 'log', scenario: 's', at: 1, kind: 'step', message: 'links up' }),
    ).toMatchObject({
      scenario: 'leak/s',
      message: 'links up',
    });
  });
});
