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
import { shippingStatusOf } from './shipping.ts';
import { judgeAnalytics, judgeBilling, judgeSearch } from './tool-judges.ts';
import type { Check } from './types.ts';

/** analytics_summary answers whose open tickets are judged at the end of the run, at most this many. */
const MAX_TICKET_JUDGEMENTS = 10_000;

/** The open-ticket figure of one analytics answer, judged once the run's tickets are all known. */
interface TicketFigure {
  correlationId: string;
  tenant: string;
  start: number;
  end: number;
  openTickets: number;
}

/** What the run did to each tenant's tickets: enough to bound what analytics_summary may count. */
interface TicketTally {
  /** End times of ok create_ticket answers that created a ticket (not replays): surely open. */
  created: Map<string, number[]>;
  /** Start times of first attempts of create_ticket (one per idempotency key): at most open. */
  attempted: Map<string, number[]>;
  figures: TicketFigure[];
}

interface State extends Gated {
  checked: Map<string, number>;
  wrong: Map<string, number>;
  evidence: EvidenceList;
  freshness: FreshnessState;
  /** ok reads answered unmarked inside a PostgreSQL outage, and answers with an implausible stale mark. */
  unmarked: number;
  badMarks: number;
  tickets: TicketTally;
}

type Judge = (
  result: Record<string, unknown>,
  args: Record<string, unknown>,
  truth: GroundTruth,
  call: CallRecord,
) => string[];

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
  get_order_status(result, args, truth) {
    const order = asObject(result.order);
    if (!order) return ['the result has no order object'];
    if (order.id !== args.orderId) return [`asked for order ${show(args.orderId)}, got ${show(order.id)}`];
    const want = truth.orders.get(String(args.orderId));
    if (!want) return [`order ${show(args.orderId)} is not in the dataset, yet the answer was ok`];
    const problems = (['customerId', 'status', 'totalCents'] as const)
      .filter((f) => order[f] !== want[f])
      .map((f) => `order ${want.id} ${f} is ${show(order[f])}, dataset says ${show(want[f])}`);
    return [...problems, ...shippingProblems(asObject(result.shipping), want.id)];
  },
  create_ticket(result, args) {
    const ticket = asObject(result.ticket);
    if (!ticket) return ['the result has no ticket object'];
    return (['customerId', 'idempotencyKey'] as const)
      .filter((f) => ticket[f] !== args[f])
      .map((f) => `ticket ${f} is ${show(ticket[f])}, the call sent ${show(args[f])}`);
  },
  search_knowledge_base: (result, _args, truth, call) => judgeSearch(result, call, truth),
  update_billing: (result, _args, _truth, call) => judgeBilling(result, call),
  analytics_summary: (result, _args, truth, call) => judgeAnalytics(result, call, truth),
};

/**
 * The shipping part of a get_order_status answer: the upstream's status for this order when it
 * says `available: true`, else a well-formed degraded answer (a reason and a retry-after).
 */
function shippingProblems(shipping: Record<string, unknown> | undefined, orderId: string): string[] {
  if (!shipping) return ['the result has no shipping object'];
  if (shipping.available === true) {
    const want = shippingStatusOf(orderId);
    return (['carrier', 'status', 'eta'] as const)
      .filter((f) => shipping[f] !== want[f])
      .map((f) => `shipping ${f} is ${show(shipping[f])}, the shipping service says ${show(want[f])}`);
  }
  if (shipping.available !== false)
    return [`shipping.available is ${show(shipping.available)}, not true or false`];
  const problems: string[] = [];
  if (typeof shipping.reason !== 'string' || shipping.reason.trim() === '')
    problems.push('a degraded shipping answer without a reason');
  const retry = shipping.retryAfterMs;
  if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0)
    problems.push(`a degraded shipping answer with retryAfterMs ${show(retry)}, not a whole number of ms`);
  return problems;
}

const push = (m: Map<string, number[]>, key: string, value: number) => {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
};

/** Tallies the run's ticket writes, whatever their outcome (all calls, not only ok ones). */
function tallyTickets(tally: TicketTally, call: CallRecord): void {
  if (call.tool !== 'create_ticket') return;
  if (call.attempt === undefined) push(tally.attempted, call.identity.tenant, call.actualStart);
  if (call.outcome === 'ok' && asObject(call.result)?.replayed === false)
    push(tally.created, call.identity.tenant, call.end);
}

/**
 * The open tickets an analytics answer counted lie between the tickets acknowledged before it
 * started and the tickets asked for (first attempts) before it ended.
 */
function ticketProblems(tally: TicketTally, evidence: EvidenceList, wrong: Map<string, number>): void {
  for (const f of tally.figures) {
    const low = (tally.created.get(f.tenant) ?? []).filter((end) => end < f.start).length;
    const high = (tally.attempted.get(f.tenant) ?? []).filter((start) => start < f.end).length;
    if (f.openTickets >= low && f.openTickets <= high) continue;
    wrong.set('analytics_summary', (wrong.get('analytics_summary') ?? 0) + 1);
    evidence.add({
      correlationId: f.correlationId,
      message: `analytics_summary: openTickets is ${f.openTickets}, the run's tickets allow ${low}–${high}`,
    });
  }
}

function examine(state: State, call: CallRecord, truth: GroundTruth, freshForMs: number): void {
  const judge = Object.hasOwn(judges, call.tool) ? judges[call.tool] : undefined;
  if (!judge) return; // a tool this check knows no ground truth for
  state.checked.set(call.tool, (state.checked.get(call.tool) ?? 0) + 1);
  const result = asObject(call.result) ?? {};
  // A stale answer is judged on its content like any other: an older copy of the right record.
  const problems = judge(result, call.args, truth, call);
  if (call.tool === 'analytics_summary' && typeof result.openTickets === 'number') {
    if (state.tickets.figures.length < MAX_TICKET_JUDGEMENTS) {
      const { correlationId, actualStart: start, end } = call;
      state.tickets.figures.push({
        correlationId,
        tenant: call.identity.tenant,
        start,
        end,
        openTickets: result.openTickets,
      });
    }
  }
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
 * ok answers of every tool agree with the seeded dataset (get_order_status: the order, and the
 * shipping service's status for it unless the answer says, well formed, that shipping is
 * unavailable; search_knowledge_base, update_billing and analytics_summary: see tool-judges.ts; an
 * analytics answer's open tickets are judged at the end, between the tickets acknowledged before
 * it started and those asked for before it ended),
 * and claim no freshness they cannot have: an answer marked `stale: { ageMs }` (served from an
 * older copy) carries an age the run allows (no older than the run, older than the PostgreSQL
 * outage it was answered in), and an unmarked ok read never started more than `freshForMs` into
 * a PostgreSQL outage (from its inject's completion to its heal's beginning: see freshness.ts).
 * Memory is constant in the number of calls: counts per tool and capped evidence (and, only
 * until the dataset record arrives, at most `maxPending` calls) — but for two numbers per
 * create_ticket call and up to 10,000 analytics answers, kept to bound open tickets.
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
      tickets: { created: new Map(), attempted: new Map(), figures: [] },
    }),
    update(state, record) {
      freshnessUpdate(state.freshness, record);
      if (record.type === 'call') tallyTickets(state.tickets, record);
      gate(state, record, (call, truth) => examine(state, call, truth, freshForMs), maxPending);
    },
    finish(state) {
      const { truth, checked, unjudged, freshness, unmarked, badMarks } = state;
      // finish must leave the state as it was (live callers peek mid-run): the tickets' verdicts go to copies.
      const wrong = new Map(state.wrong);
      const evidence = new EvidenceList();
      evidence.items.push(...state.evidence.items);
      evidence.total = state.evidence.total;
      ticketProblems(state.tickets, evidence, wrong);
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
