import type { CallRecord } from '../journal/index.ts';
import {
  asObject,
  type Gated,
  type GroundTruth,
  gate,
  gated,
  MAX_PENDING,
  show,
  unjudgedNote,
} from './dataset.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import {
  type FreshnessState,
  freshnessInit,
  freshnessProblems,
  freshnessUpdate,
  outagesOf,
} from './freshness.ts';
import type { Check } from './types.ts';

interface State extends Gated {
  checked: Map<string, number>;
  wrong: Map<string, number>;
  evidence: EvidenceList;
  freshness: FreshnessState;
  /** ok reads answered unmarked inside a PostgreSQL outage, and answers with an implausible stale mark. */
  unmarked: number;
  badMarks: number;
}

type Judge = (result: Record<string, unknown>, args: Record<string, unknown>, truth: GroundTruth) => string[];

const CUSTOMER_FIELDS = ['name', 'email', 'phone', 'tier', 'tenantId'] as const;

/** Per tool: the problems of an ok answer compared with the ground truth (none = correct). */
const judges: Record<string, Judge> = {
  lookup_customer(result, args, truth) {
    const customer = asObject(result.customer);
    if (!customer) return ['the result has no customer object'];
    if (customer.id !== args.customerId)
      return [`asked for ${show(args.customerId)}, got ${show(customer.id)}`];
    const want = truth.customers.get(String(args.customerId));
    if (!want) return [`customer ${show(args.customerId)} is not in the dataset, yet the answer was ok`];
    return CUSTOMER_FIELDS.filter((f) => customer[f] !== want[f]).map(
      (f) => `${f} is ${show(customer[f])}, dataset says ${show(want[f])}`,
    );
  },
  list_orders(result, args, truth) {
    const problems: string[] = [];
    if (result.customerId !== args.customerId) {
      problems.push(`asked for ${show(args.customerId)}, answered for ${show(result.customerId)}`);
    }
    if (!Array.isArray(result.orders)) return [...problems, 'the result has no orders list'];
    for (const item of result.orders) {
      const order = asObject(item) ?? {};
      const want = truth.orders.get(String(order.id));
      if (!want) problems.push(`order ${show(order.id)} is not in the dataset`);
      else if (want.customerId !== args.customerId)
        problems.push(`order ${want.id} belongs to ${want.customerId}`);
      else {
        for (const f of ['customerId', 'status', 'totalCents'] as const) {
          if (order[f] !== want[f])
            problems.push(`order ${want.id} ${f} is ${show(order[f])}, dataset says ${show(want[f])}`);
        }
      }
    }
    return problems;
  },
  create_ticket(result, args) {
    const ticket = asObject(result.ticket);
    if (!ticket) return ['the result has no ticket object'];
    return (['customerId', 'idempotencyKey'] as const)
      .filter((f) => ticket[f] !== args[f])
      .map((f) => `ticket ${f} is ${show(ticket[f])}, the call sent ${show(args[f])}`);
  },
};

function examine(state: State, call: CallRecord, truth: GroundTruth, freshForMs: number): void {
  const judge = Object.hasOwn(judges, call.tool) ? judges[call.tool] : undefined;
  if (!judge) return; // a tool this check knows no ground truth for
  state.checked.set(call.tool, (state.checked.get(call.tool) ?? 0) + 1);
  const result = asObject(call.result) ?? {};
  // A stale answer is judged on its content like any other: an older copy of the right record.
  const problems = judge(result, call.args, truth);
  if (problems.length > 0) state.wrong.set(call.tool, (state.wrong.get(call.tool) ?? 0) + 1);
  const { unmarked, badMark } = freshnessProblems(state.freshness, call, result, freshForMs);
  if (unmarked) state.unmarked++;
  if (badMark) state.badMarks++;
  for (const problem of [unmarked, badMark]) if (problem) problems.push(problem);
  if (problems.length === 0) return;
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  state.evidence.add({
    correlationId: call.correlationId,
    message: `${call.tool}: ${problems.slice(0, 3).join('; ')}${more}`,
  });
}

const byTool = (m: Map<string, number>) => [...m].map(([tool, n]) => `${count(n)} ${tool}`).join(', ');
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

export interface CorrectAnswersOptions {
  /** ok calls held while the dataset record has not arrived (see MAX_PENDING); the rest go unchecked. */
  maxPending?: number;
  /**
   * How long into a PostgreSQL outage the target may still answer a read unmarked, from a copy
   * that was fresh when the database went away (its cache's TTL). Default 1000 ms.
   */
  freshForMs?: number;
  /**
   * At least this many ok answers must be marked stale (`stale: { ageMs }`): proves that the
   * target answered from older copies during an outage rather than failing. Default 0.
   */
  minStaleAnswers?: number;
}

/** The stale-marked answers, for a summary: "12 answers were served stale and marked so (…; ages 1,020–21,400 ms)." */
function staleNote(f: FreshnessState): string {
  const total = sum(f.stale);
  if (total === 0) return '';
  const ages = f.youngest === f.oldest ? ms(f.oldest ?? 0) : `${count(f.youngest ?? 0)}–${ms(f.oldest ?? 0)}`;
  return ` ${plural(total, 'answer was', 'answers were')} served stale and marked so (${byTool(f.stale)}; ages ${ages}).`;
}

/** The outage rule's margin: how many reads it covered, and the allowance it gave. */
function outageNote(f: FreshnessState, freshForMs: number): string {
  if (f.windows.length === 0) return '';
  return ` ${plural(f.readsInOutage, 'ok read')} started while PostgreSQL was down (${outagesOf(f).join(', ')}); every one more than ${ms(freshForMs)} into an outage was marked stale.`;
}

/** Fewer stale-marked answers than required: what the run did offer. */
function shortfall(f: FreshnessState, minStaleAnswers: number): string {
  const stale = sum(f.stale);
  const where =
    f.windows.length === 0
      ? 'no PostgreSQL outage was journaled'
      : `${plural(f.readsInOutage, 'ok read')} started while PostgreSQL was down (${outagesOf(f).join(', ')})`;
  return ` Only ${plural(stale, 'answer was', 'answers were')} marked stale, fewer than the ${count(minStaleAnswers)} required (${where}).`;
}

/**
 * ok answers of lookup_customer, list_orders and create_ticket agree with the seeded dataset,
 * and claim no freshness they cannot have: an answer marked `stale: { ageMs }` (served from an
 * older copy) carries an age the run allows (no older than the run, older than the PostgreSQL
 * outage it was answered in), and an unmarked ok read never started more than `freshForMs` into
 * a PostgreSQL outage (from its inject's completion to its heal's beginning: see freshness.ts).
 * Memory is constant in the number of calls: counts per tool and capped evidence (and, only
 * until the dataset record arrives, at most `maxPending` calls).
 */
export function correctAnswers({
  maxPending = MAX_PENDING,
  freshForMs = 1000,
  minStaleAnswers = 0,
}: CorrectAnswersOptions = {}): Check<State> {
  const name = 'correctAnswers';
  return {
    name,
    needs: ['dataset', 'call', 'header', 'fault'],
    init: () => ({
      ...gated(),
      checked: new Map(),
      wrong: new Map(),
      evidence: new EvidenceList(),
      freshness: freshnessInit(),
      unmarked: 0,
      badMarks: 0,
    }),
    update(state, record) {
      freshnessUpdate(state.freshness, record);
      gate(state, record, (call, truth) => examine(state, call, truth, freshForMs), maxPending);
    },
    finish({ truth, checked, wrong, evidence, unjudged, freshness, unmarked, badMarks }) {
      if (!truth) {
        return verdict(
          name,
          'inconclusive',
          'No dataset record in the journal, so answers could not be compared with the ground truth.',
        );
      }
      const total = sum(checked);
      if (total === 0) {
        return verdict(
          name,
          'inconclusive',
          `No ok answer of ${Object.keys(judges).join(', ')} was recorded, so correctness could not be checked.${unjudgedNote(unjudged)}`,
        );
      }
      const short = sum(freshness.stale) < minStaleAnswers;
      if (evidence.total === 0 && !short && unjudged > 0) {
        return verdict(
          name,
          'inconclusive',
          `All ${count(total)} ok answers checked against the dataset were correct (${byTool(checked)}), but not all could be checked:${unjudgedNote(unjudged)}`,
        );
      }
      if (evidence.total === 0 && !short) {
        return verdict(
          name,
          'pass',
          `All ${count(total)} ok answers checked against the dataset were correct (${byTool(checked)}).${staleNote(freshness)}${outageNote(freshness, freshForMs)}`,
        );
      }
      const sentences: string[] = [];
      const disagreed = sum(wrong);
      if (disagreed > 0)
        sentences.push(
          `${count(disagreed)} of ${count(total)} ok answers disagreed with the dataset (${byTool(wrong)}).`,
        );
      if (unmarked > 0)
        sentences.push(
          `${count(unmarked)} of ${count(total)} ok answers were reads answered unmarked while PostgreSQL was down, claiming a freshness they cannot have had.`,
        );
      if (badMarks > 0)
        sentences.push(`${count(badMarks)} of ${count(total)} ok answers carried an implausible stale mark.`);
      const summary = `${sentences.join(' ')}${short ? shortfall(freshness, minStaleAnswers) : ''}${unjudgedNote(unjudged)}`;
      if (!short) return verdict(name, 'fail', summary.trim(), evidence);
      // The shortfall has no call to name: the outages it was expected in stand as its evidence.
      const all = new EvidenceList();
      all.add({
        message: `stale answers: ${count(sum(freshness.stale))} of at least ${count(minStaleAnswers)}; PostgreSQL outages: ${outagesOf(freshness).join(', ') || 'none'}`,
      });
      for (const item of evidence.items) all.add(item);
      all.total += evidence.total - evidence.items.length;
      return verdict(name, 'fail', summary.trim(), all);
    },
  };
}
