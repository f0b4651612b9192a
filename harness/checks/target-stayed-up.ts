import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { plural } from './format.ts';
import { clock } from './probe-series.ts';
import type { Check } from './types.ts';

interface State {
  unexpected: EvidenceList;
  first: RecordOf<'target'> | undefined;
  expected: number;
}

const how = (exit: RecordOf<'target'>): string =>
  exit.oomKilled
    ? 'killed by the OOM killer'
    : exit.signal
      ? `killed by ${exit.signal}`
      : `exit code ${exit.code ?? 'unknown'}`;

/**
 * The target never exits on its own: a crash under a fault (an unhandled 'error' event, an
 * uncaught exception, the OOM killer) is a finding whatever the other checks say. Exits the
 * harness caused (kill and restart faults) do not count. Evidence: each exit with its last
 * log lines. Added to every scenario.
 */
export function targetStayedUp(): Check<State> {
  const name = 'targetStayedUp';
  return {
    name,
    needs: ['target'],
    init: () => ({ unexpected: new EvidenceList(), first: undefined, expected: 0 }),
    update(state, record) {
      if (record.type !== 'target' || record.event !== 'exit') return;
      if (record.expected) {
        state.expected++;
        return;
      }
      state.first ??= record;
      // The error line says more than the stack or object dump printed after it.
      // Unindented: not a stack frame, not a field of a dumped error object.
      const errors = record.logTail.filter((line) =>
        /^(\S*(error|exception)\b|fatal|panic|uncaught)/i.test(line),
      );
      const tail = (errors.length > 0 ? errors : record.logTail).slice(-3).join(' | ');
      state.unexpected.add({
        message: `${clock(record.at)}: ${record.instance ?? 'the target'} ${how(record)}${tail ? `; last output: ${tail}` : ''}`,
      });
    },
    finish({ unexpected, first, expected }) {
      const caused = expected > 0 ? ` (${plural(expected, 'exit')} the harness caused)` : '';
      if (first === undefined) return verdict(name, 'pass', `The target never exited on its own${caused}.`);
      return verdict(
        name,
        'fail',
        `The target exited on its own ${plural(unexpected.total, 'time')}, first at ${clock(first.at)} (${how(first)})${caused}.`,
        unexpected,
      );
    },
  };
}
