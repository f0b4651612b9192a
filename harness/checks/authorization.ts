import type { CallRecord } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

/** Per role, the tools it may call; a tool not listed for a listed role must be refused. */
export type AuthorizationTable = Readonly<Record<string, readonly string[]>>;

export interface AuthorizationOptions {
  /** The target's documented authorization table (the reference server's is in src/README.md). */
  allowed: AuthorizationTable;
  /** The code a refusal carries (default FORBIDDEN). */
  code?: string;
}

interface State {
  /** Calls the table forbids, answered with the refusal code. */
  refused: number;
  /** Calls the table allows, answered at all (ok or any error but the refusal). */
  permitted: number;
  /** Calls nobody can judge: no answer from the target (timeouts, transport), or a role not in the table. */
  unjudged: number;
  served: number;
  otherCode: number;
  overRefused: number;
  evidence: EvidenceList;
  /** role → tool pairs seen refused, for the summary. */
  pairs: Set<string>;
}

function examine(state: State, call: CallRecord, allowed: AuthorizationTable, code: string): void {
  const tools = allowed[call.identity.role];
  const answered = call.outcome === 'ok' || call.outcome === 'error';
  if (!tools || !answered) {
    state.unjudged++;
    return;
  }
  const who = `${call.identity.role} of tenant ${call.identity.tenant}`;
  if (tools.includes(call.tool)) {
    if (call.outcome === 'error' && call.code === code) {
      state.overRefused++;
      state.evidence.add({
        correlationId: call.correlationId,
        message: `${who} was refused ${call.tool}, which the table allows`,
      });
    } else state.permitted++;
    return;
  }
  if (call.outcome === 'error' && call.code === code) {
    state.refused++;
    state.pairs.add(`${call.identity.role}→${call.tool}`);
    return;
  }
  if (call.outcome === 'ok') {
    state.served++;
    state.evidence.add({
      correlationId: call.correlationId,
      message: `${who} was served ${call.tool}, which the table forbids it`,
    });
    return;
  }
  state.otherCode++;
  state.evidence.add({
    correlationId: call.correlationId,
    message: `${who} called ${call.tool}, which the table forbids it, and was answered ${call.code ?? 'an error'}, not ${code}`,
  });
}

/**
 * Every call the authorization table forbids is refused with FORBIDDEN — never served, never
 * answered with another code (that would mean the role check came after work it should have
 * prevented) — and no call it allows is refused. Calls the target never answered (timeouts,
 * transport failures) and roles the table does not name are not judged. Passing needs at least one
 * forbidden call refused: a run that made none proves nothing about the refusals. Memory is
 * constant in the number of calls.
 */
export function authorization({ allowed, code = 'FORBIDDEN' }: AuthorizationOptions): Check<State> {
  const name = 'authorization';
  return {
    name,
    needs: ['call'],
    init: () => ({
      refused: 0,
      permitted: 0,
      unjudged: 0,
      served: 0,
      otherCode: 0,
      overRefused: 0,
      evidence: new EvidenceList(),
      pairs: new Set(),
    }),
    update(state, record) {
      if (record.type === 'call') examine(state, record, allowed, code);
    },
    finish(state) {
      const { refused, permitted, served, otherCode, overRefused, evidence, pairs } = state;
      const skipped =
        state.unjudged > 0
          ? ` ${plural(state.unjudged, 'call')} had no answer or a role the table does not name and were not judged.`
          : '';
      if (evidence.total > 0) {
        const parts: string[] = [];
        if (served > 0) parts.push(`${plural(served, 'forbidden call')} served`);
        if (otherCode > 0)
          parts.push(`${plural(otherCode, 'forbidden call')} answered with another code than ${code}`);
        if (overRefused > 0) parts.push(`${plural(overRefused, 'permitted call')} refused`);
        return verdict(name, 'fail', `${parts.join(', ')}.${skipped}`, evidence);
      }
      if (refused === 0) {
        return verdict(
          name,
          'inconclusive',
          `No call the table forbids was made (${plural(permitted, 'permitted call')} judged), so refusals could not be checked.${skipped}`,
        );
      }
      return verdict(
        name,
        'pass',
        `All ${count(refused)} forbidden calls were refused with ${code} (${[...pairs].sort().join(', ')}); none of ${plural(permitted, 'permitted call')} was.${skipped}`,
      );
    },
  };
}
