import type { CallRecord } from '../journal/index.ts';
import { type GroundTruth, indexDataset } from './dataset.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

export interface GracefulErrorsOptions {
  /** Messages longer than this are not "helpful", they are dumps (default 500 characters). */
  maxMessageLength?: number;
  /** Strings that must never reach a client (tokens, passwords): any one found is a failure. */
  secrets?: readonly string[];
}

/** A stable code: UPPER_SNAKE_CASE, as the target contract asks. */
const STABLE_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const UNHELPFUL =
  /^(error|internal( server)? error|unknown error|something went wrong|failed|undefined|null)\.?$/i;

/** What must not be in an error a client sees, each with the words a reviewer reads. */
const LEAKS: readonly { what: string; pattern: RegExp }[] = [
  {
    what: 'a stack trace',
    pattern: /\n\s*at \S|\bat [\w$.<>]+ \([^)\s]+:\d+:\d+\)|node:internal\/|\.(?:ts|js):\d+:\d+/,
  },
  {
    what: 'SQL',
    pattern:
      /\b(?:select\b[\s\S]{1,200}?\bfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b|syntax error at or near|(?:relation|column) "[^"]+" does not exist|duplicate key value violates|violates (?:foreign key|not-null|check) constraint/i,
  },
  {
    what: 'a credential',
    pattern:
      /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\b[a-z][\w+.-]*:\/\/[^\s:/@]+:[^\s@/]+@|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bpassword\s*[=:]\s*\S+/i,
  },
];

interface State {
  truth: GroundTruth | undefined;
  calls: number;
  judged: number;
  /** Error answers seen before the dataset record: their ids could not be checked. */
  idsUnchecked: number;
  longest: number;
  codes: Set<string>;
  problems: EvidenceList;
}

/** The error answers the target itself wrote: tool errors, JSON-RPC errors, HTTP error bodies. */
function fromTarget(call: CallRecord): boolean {
  if (call.outcome === 'error' || call.outcome === 'protocol-error') return true;
  return call.outcome === 'transport-error' && /^HTTP_\d+$/.test(call.code ?? '');
}

/**
 * Every error the target gives a client is graceful: well formed (a structured error with a code
 * and a message), with a stable code (UPPER_SNAKE_CASE), a helpful message (not empty, not a
 * bare "error", not a dump), and nothing that must stay inside: no stack trace, no SQL, no
 * credential or configured secret, no id of another tenant's records. The message and the
 * structured result journaled for the call are what is read (tool errors, JSON-RPC errors and
 * HTTP error bodies alike). Memory is constant in the number of calls.
 */
export function gracefulErrors({
  maxMessageLength = 500,
  secrets = [],
}: GracefulErrorsOptions = {}): Check<State> {
  const name = 'gracefulErrors';
  const secretList = secrets.filter((s) => s.length >= 4);
  return {
    name,
    needs: ['dataset', 'call'],
    init: () => ({
      truth: undefined,
      calls: 0,
      judged: 0,
      idsUnchecked: 0,
      longest: 0,
      codes: new Set(),
      problems: new EvidenceList(),
    }),
    update(state, record) {
      if (record.type === 'dataset') {
        state.truth = indexDataset(record);
        return;
      }
      if (record.type !== 'call') return;
      state.calls++;
      if (!fromTarget(record)) return;
      state.judged++;
      const message = record.message ?? '';
      state.longest = Math.max(state.longest, message.length);
      if (record.code) state.codes.add(record.code);
      const found = problemsOf(record, message, state, { maxMessageLength, secrets: secretList });
      if (found.length > 0) {
        state.problems.add({
          correlationId: record.correlationId,
          message: `${record.tool} ${record.outcome}${record.code ? ` ${record.code}` : ''}: ${found.join('; ')}`,
        });
      }
    },
    finish(state) {
      if (state.calls === 0)
        return verdict(name, 'inconclusive', 'No calls were made, so no error could be judged.');
      const unchecked =
        state.idsUnchecked > 0
          ? ` (${plural(state.idsUnchecked, 'answer')} came before the dataset record: their ids were not checked)`
          : '';
      if (state.problems.total > 0) {
        return verdict(
          name,
          'fail',
          `${plural(state.problems.total, 'error answer')} of ${count(state.judged)} were not graceful${unchecked}.`,
          state.problems,
        );
      }
      if (state.judged === 0) {
        return verdict(
          name,
          'pass',
          `No error answers to judge: none of ${plural(state.calls, 'call')} failed at the target.`,
        );
      }
      return verdict(
        name,
        'pass',
        `All ${plural(state.judged, 'error answer')} were graceful (codes ${[...state.codes].sort().join(', ')}; longest message ${count(state.longest)} of ${count(maxMessageLength)} characters)${unchecked}.`,
      );
    },
  };
}

function problemsOf(
  call: CallRecord,
  message: string,
  state: State,
  options: { maxMessageLength: number; secrets: readonly string[] },
): string[] {
  const found: string[] = [];
  if (call.outcome === 'error') {
    if (call.code === 'UNSTRUCTURED_ERROR') found.push('not well formed: no structured error with a code');
    else if (!STABLE_CODE.test(call.code ?? ''))
      found.push(`code ${JSON.stringify(call.code)} is not a stable UPPER_SNAKE_CASE code`);
  }
  const trimmed = message.trim();
  if (trimmed === '') found.push('no message');
  else if (UNHELPFUL.test(trimmed)) found.push(`an unhelpful message (${JSON.stringify(trimmed)})`);
  else if (trimmed.length > options.maxMessageLength)
    found.push(`a ${count(trimmed.length)}-character message`);
  const text = `${message}\n${call.result === undefined ? '' : JSON.stringify(call.result)}`;
  for (const { what, pattern } of LEAKS) if (pattern.test(text)) found.push(`it shows ${what}`);
  for (const secret of options.secrets) if (text.includes(secret)) found.push('it shows a configured secret');
  if (state.truth) {
    const foreign = foreignIds(text, call.identity.tenant, state.truth);
    if (foreign.length > 0) found.push(`it names another tenant's ${foreign.slice(0, 3).join(', ')}`);
  } else {
    state.idsUnchecked++;
  }
  return found;
}

/** Ids of other tenants' customers, orders and knowledge-base articles that appear in `text`. */
function foreignIds(text: string, tenant: string, truth: GroundTruth): string[] {
  const ids: string[] = [];
  for (const token of text.match(/[A-Za-z0-9_-]+/g) ?? []) {
    const customer = truth.customers.get(token);
    if (customer && customer.tenantId !== tenant) ids.push(`customer ${token}`);
    const order = truth.orders.get(token);
    if (order && truth.customers.get(order.customerId)?.tenantId !== tenant) ids.push(`order ${token}`);
    const article = truth.articles.get(token);
    if (article && article.tenantId !== tenant) ids.push(`article ${token}`);
  }
  return [...new Set(ids)];
}
