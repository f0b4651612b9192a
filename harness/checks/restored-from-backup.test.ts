import { describe, expect, it } from 'vitest';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { restoredFromBackup } from './restored-from-backup.ts';
import { call, tickets } from './test-journal.ts';

function judge(records: JournalRecord[]) {
  const check = restoredFromBackup();
  const state = check.init();
  for (const r of records) if (check.needs.includes(r.type)) check.update(state, r);
  return check.finish(state);
}

// Recovery point at 10 000, the database lost at 12 000, restored (the restore's end) at 12 500.
const restore = (recoveryPoint = 10_000): RecordOf<'fault'> => ({
  type: 'fault',
  fault: 'restoreBackup(postgres)',
  event: 'inject',
  at: 12_500,
  data: { recoveryPoint, destroyedAt: 12_000, restoreMs: 480, rows: 900 },
});
const write = (key: string, at: number, outcome: 'ok' | 'error' = 'ok') =>
  call({ at, ms: 20, tool: 'create_ticket', args: { idempotencyKey: key, customerId: 'c1' }, outcome });

describe('restoredFromBackup', () => {
  it('passes when writes before the recovery point and after the restore are there once; reports the loss window', () => {
    const v = judge([
      write('k1', 1_000),
      write('k2', 9_000),
      write('k3', 11_000), // acknowledged between the recovery point and the loss: gone
      write('k4', 11_500), // … or still there (a write the backup caught after all is fine too)
      write('k5', 13_000),
      restore(),
      tickets([{ key: 'k1' }, { key: 'k2' }, { key: 'k4' }, { key: 'k5' }]),
    ]);
    expect(v.status).toBe('pass');
    expect(v.summary).toBe(
      'The database was lost 2,000 ms after the recovery point 00:00:10.000 of its backup and back 500 ms later (the restore itself 480 ms): all 2 writes acknowledged before the recovery point and all 1 after the restore are there exactly once; 2 writes acknowledged between the recovery point and the restore: 1 gone with the lost database (the data a restore from that backup loses), 1 there.',
    );
  });

  it('fails when a write acknowledged before the recovery point is missing: the backup did not hold it', () => {
    const v = judge([write('k1', 1_000), write('k2', 9_000), restore(), tickets([{ key: 'k1' }])]);
    expect(v.status).toBe('fail');
    expect(v.evidence.map((e) => e.message)).toEqual([
      'the write with key k2, acknowledged at 00:00:09.020 before the recovery point 00:00:10.000, is missing after the restore',
    ]);
  });

  it('fails when a write after the restore is missing or any write is there twice', () => {
    const v = judge([
      write('k1', 1_000),
      write('k5', 13_000),
      restore(),
      tickets([{ key: 'k1' }, { key: 'k1' }]),
    ]);
    expect(v.status).toBe('fail');
    expect(v.evidence.map((e) => e.message)).toEqual([
      'the write with key k1 is stored 2 times',
      'the write with key k5, acknowledged at 00:00:13.020 after the restore, is missing',
    ]);
  });

  it('judges a retried write by its first acknowledgement', () => {
    const v = judge([write('k1', 1_000, 'error'), write('k1', 9_500), restore(), tickets([])]);
    expect(v.status).toBe('fail');
    expect(v.evidence[0]?.message).toContain('acknowledged at 00:00:09.520 before the recovery point');
  });

  it('is inconclusive without a restore, without a snapshot, or without a write before the recovery point', () => {
    expect(judge([write('k1', 1_000), tickets([{ key: 'k1' }])]).status).toBe('inconclusive');
    expect(judge([write('k1', 1_000), restore()]).status).toBe('inconclusive');
    const late = judge([write('k1', 13_000), restore(), tickets([{ key: 'k1' }])]);
    expect(late.status).toBe('inconclusive');
    expect(late.summary).toContain('No write was acknowledged before the recovery point');
  });
});
