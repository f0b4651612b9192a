import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import type { Check } from './types.ts';

type Ticket = Extract<RecordOf<'snapshot'>, { name: 'tickets' }>['tickets'][number];

/** Every create_ticket call that used one idempotency key. */
interface KeyCalls {
  /** When the first ok answer arrived (undefined: never acknowledged). */
  ackedAt: number | undefined;
  /** Whether an acknowledged call of this key started after the restore had completed. */
  ackedAfterRestore: boolean;
  correlationId: string;
}

interface Restore {
  recoveryPoint: number;
  destroyedAt: number;
  restoredAt: number;
  restoreMs: number;
}

interface State {
  keys: Map<string, KeyCalls>;
  restores: Restore[];
  tickets: Ticket[] | undefined;
  calls: { key: string; start: number; end: number; ok: boolean; correlationId: string }[];
}

const clock = (t: number) => new Date(t).toISOString().slice(11, 23);

/**
 * A restore from backup, judged on the writes (the tickets): after the database was lost and
 * restored (`Fault.restoreBackup`), every write acknowledged before the backup's recovery point
 * is there exactly once — a backup that misses a table, or is not one consistent snapshot, loses
 * some — and so is every write acknowledged after the restore. Writes acknowledged between the
 * recovery point and the loss are the data any restore from that backup loses: counted and
 * reported (with the restore's duration), not failed. Nothing is ever there twice.
 */
export function restoredFromBackup(): Check<State> {
  const name = 'restoredFromBackup';
  return {
    name,
    needs: ['call', 'fault', 'snapshot'],
    init: () => ({ keys: new Map(), restores: [], tickets: undefined, calls: [] }),
    update(state, record) {
      if (record.type === 'snapshot') {
        if (record.name === 'tickets') state.tickets = record.tickets;
        return;
      }
      if (record.type === 'fault') {
        const data = record.data;
        if (
          record.event === 'inject' &&
          record.fault.startsWith('restoreBackup(') &&
          data?.recoveryPoint !== undefined &&
          data.destroyedAt !== undefined
        ) {
          state.restores.push({
            recoveryPoint: data.recoveryPoint,
            destroyedAt: data.destroyedAt,
            restoredAt: record.at,
            restoreMs: data.restoreMs ?? record.at - data.destroyedAt,
          });
        }
        return;
      }
      if (record.type !== 'call' || record.tool !== 'create_ticket') return;
      const key = record.args.idempotencyKey;
      if (typeof key !== 'string') return;
      // Judged in finish: the restore's time is known only once its record has been read.
      state.calls.push({
        key,
        start: record.actualStart,
        end: record.end,
        ok: record.outcome === 'ok',
        correlationId: record.correlationId,
      });
    },
    finish(state) {
      const restore = state.restores.at(-1);
      if (!restore)
        return verdict(
          name,
          'inconclusive',
          'No restore from backup in the journal (Fault.restoreBackup), so nothing to judge.',
        );
      if (!state.tickets)
        return verdict(
          name,
          'inconclusive',
          'No tickets snapshot in the journal, so the restored writes could not be verified.',
        );
      for (const call of state.calls) {
        const k = state.keys.get(call.key) ?? {
          ackedAt: undefined,
          ackedAfterRestore: false,
          correlationId: call.correlationId,
        };
        if (call.ok) {
          if (k.ackedAt === undefined || call.end < k.ackedAt) {
            k.ackedAt = call.end;
            k.correlationId = call.correlationId;
          }
          if (call.start >= restore.restoredAt) k.ackedAfterRestore = true;
        }
        state.keys.set(call.key, k);
      }
      const stored = new Map<string, number>();
      for (const t of state.tickets) stored.set(t.idempotencyKey, (stored.get(t.idempotencyKey) ?? 0) + 1);
      const evidence = new EvidenceList();
      let before = 0;
      let after = 0;
      let window = 0;
      let windowKept = 0;
      for (const [key, k] of state.keys) {
        const n = stored.get(key) ?? 0;
        if (n > 1)
          evidence.add({
            correlationId: k.correlationId,
            message: `the write with key ${key} is stored ${n} times`,
          });
        if (k.ackedAt === undefined) continue;
        if (k.ackedAt < restore.recoveryPoint) {
          before++;
          if (n === 0)
            evidence.add({
              correlationId: k.correlationId,
              message: `the write with key ${key}, acknowledged at ${clock(k.ackedAt)} before the recovery point ${clock(restore.recoveryPoint)}, is missing after the restore`,
            });
        } else if (k.ackedAfterRestore) {
          after++;
          if (n === 0)
            evidence.add({
              correlationId: k.correlationId,
              message: `the write with key ${key}, acknowledged at ${clock(k.ackedAt)} after the restore, is missing`,
            });
        } else {
          window++;
          if (n > 0) windowKept++;
        }
      }
      const lossWindowMs = restore.destroyedAt - restore.recoveryPoint;
      const restoreLine = `lost ${ms(lossWindowMs)} after the recovery point ${clock(restore.recoveryPoint)} of its backup and back ${ms(restore.restoredAt - restore.destroyedAt)} later (the restore itself ${ms(restore.restoreMs)})`;
      const windowLine =
        window === 0
          ? 'no write was acknowledged between the recovery point and the restore'
          : `${plural(window, 'write')} acknowledged between the recovery point and the restore: ${count(window - windowKept)} gone with the lost database (the data a restore from that backup loses), ${count(windowKept)} there`;
      if (evidence.total > 0) {
        return verdict(
          name,
          'fail',
          `${plural(evidence.total, 'write anomaly', 'write anomalies')} after the restore (${restoreLine}): acknowledged writes lost or duplicated.`,
          evidence,
        );
      }
      if (before === 0)
        return verdict(
          name,
          'inconclusive',
          `No write was acknowledged before the recovery point (${restoreLine}), so the backup's content could not be judged: write more, or back up later.`,
        );
      return verdict(
        name,
        'pass',
        `The database was ${restoreLine}: all ${plural(before, 'write')} acknowledged before the recovery point and all ${count(after)} after the restore are there exactly once; ${windowLine}.`,
      );
    },
  };
}
