import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

type AuditRow = Extract<RecordOf<'snapshot'>, { name: 'audit' }>['audit'][number];

interface CallSeen {
  tool: string;
  /** The server answered (ok or a tool error): it must have audited the call. */
  answered: boolean;
  code: string | undefined;
  phase: string | undefined;
}

interface State {
  calls: Map<string, CallSeen>;
  audit: AuditRow[] | undefined;
}

/**
 * Every call is in the target's audit log exactly once, matched by correlation id against the
 * final audit snapshot. A call the server answered (ok or a tool error) must be there once; one
 * whose answer never arrived (timeout, refused, reset) at most once — the server may have audited
 * it before the answer was lost. Two rows for one call are a duplicate whatever the outcome
 * (a spool flushed twice). Rows for correlation ids no call sent are counted, not judged.
 */
export function auditComplete(): Check<State> {
  const name = 'auditComplete';
  return {
    name,
    needs: ['call', 'snapshot'],
    init: () => ({ calls: new Map(), audit: undefined }),
    update(state, record) {
      if (record.type === 'snapshot') {
        if (record.name === 'audit') state.audit = record.audit; // the last one is the final state
        return;
      }
      if (record.type !== 'call') return;
      state.calls.set(record.correlationId, {
        tool: record.tool,
        answered: record.outcome === 'ok' || record.outcome === 'error',
        code: record.code,
        phase: record.phase,
      });
    },
    finish({ calls, audit }) {
      if (!audit) {
        return verdict(
          name,
          'inconclusive',
          'No audit snapshot in the journal: the target has no GET /dataset/audit, or it could not be read at the end of the run.',
        );
      }
      if (calls.size === 0)
        return verdict(name, 'inconclusive', 'No calls were made, so there was nothing to audit.');
      const rows = new Map<string, number>();
      let unmatched = 0;
      for (const row of audit) {
        if (row.correlationId === null || !calls.has(row.correlationId)) unmatched++;
        else rows.set(row.correlationId, (rows.get(row.correlationId) ?? 0) + 1);
      }
      const evidence = new EvidenceList();
      let missing = 0;
      let duplicated = 0;
      let answered = 0;
      let unanswered = 0;
      let unansweredAudited = 0;
      for (const [correlationId, call] of calls) {
        const n = rows.get(correlationId) ?? 0;
        const what = `${call.tool}${call.code ? ` ${call.code}` : ''}${call.phase ? ` in phase ${call.phase}` : ''}`;
        if (call.answered) answered++;
        else {
          unanswered++;
          if (n > 0) unansweredAudited++;
        }
        if (n > 1) {
          duplicated++;
          evidence.add({ correlationId, message: `${what}: audited ${n} times` });
        } else if (n === 0 && call.answered) {
          missing++;
          evidence.add({ correlationId, message: `${what}: answered, but not in the audit log` });
        }
      }
      const extra =
        unmatched > 0 ? `; ${plural(unmatched, 'audit row')} for calls this run did not send` : '';
      if (missing + duplicated === 0) {
        const lost =
          unanswered > 0
            ? `, and none of the ${count(unanswered)} unanswered ones more than once (${count(unansweredAudited)} of them audited)`
            : '';
        return verdict(
          name,
          'pass',
          `All ${plural(answered, 'answered call')} are in the audit log exactly once${lost} (${plural(audit.length, 'row')}${extra}).`,
        );
      }
      const parts = [
        missing > 0 ? `${count(missing)} answered but not audited` : '',
        duplicated > 0 ? `${count(duplicated)} audited more than once` : '',
      ];
      return verdict(
        name,
        'fail',
        `The audit log is incomplete: ${parts.filter(Boolean).join(', ')}, of ${plural(calls.size, 'call')} (${plural(audit.length, 'row')}${extra}).`,
        evidence,
      );
    },
  };
}
