import type { JournalRecord, TargetRecord } from '../journal/index.ts';
import type { TargetExitEvent } from '../runtime/backend.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';

/** The journal record of one target exit. */
export function targetExitRecord(exit: TargetExitEvent): TargetRecord {
  return {
    type: 'target',
    event: 'exit',
    at: exit.at,
    instance: exit.instance,
    code: exit.code,
    signal: exit.signal,
    expected: exit.expected,
    ...(exit.oomKilled ? { oomKilled: true } : {}),
    logTail: exit.logTail,
  };
}

/**
 * Journals every exit of the environment's target from now on (crashes and outside kills as
 * well as the harness's own kill/restart faults, those marked expected), as it happens. Returns
 * the unsubscribe; the environment's stop() ends it too, after the exits already seen are in.
 */
export function journalTargetExits(
  env: Pick<StartedEnvironment, 'onTargetExit'>,
  append: (record: JournalRecord) => void,
): () => void {
  return env.onTargetExit((exit) => append(targetExitRecord(exit)));
}
