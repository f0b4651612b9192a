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
import { count } from './format.ts';
import type { Check } from './types.ts';

interface State extends Gated {
  checked: Map<string, number>;
  wrong: Map<string, number>;
  evidence: EvidenceList;
}

type Judge = (result: Record<string, unknown>, args: Record<string, unknown>, truth: GroundTruth) => string[];

const CUSTOMER_FIELDS = ['name', 'email', 'tier', 'tenantId'] as const;

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

function examine(state: State, call: CallRecord, truth: GroundTruth): void {
  const judge = Object.hasOwn(judges, call.tool) ? judges[call.tool] : undefined;
  if (!judge) return; // a tool this check knows no ground truth for
  state.checked.set(call.tool, (state.checked.get(call.tool) ?? 0) + 1);
  const problems = judge(asObject(call.result) ?? {}, call.args, truth);
  if (problems.length === 0) return;
  state.wrong.set(call.tool, (state.wrong.get(call.tool) ?? 0) + 1);
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
}

/**
 * ok answers of lookup_customer, list_orders and create_ticket agree with the seeded dataset.
 * Memory is constant in the number of calls: counts per tool and capped evidence (and, only
 * until the dataset record arrives, at most `maxPending` calls).
 */
export function correctAnswers({ maxPending = MAX_PENDING }: CorrectAnswersOptions = {}): Check<State> {
  const name = 'correctAnswers';
  return {
    name,
    needs: ['dataset', 'call'],
    init: () => ({ ...gated(), checked: new Map(), wrong: new Map(), evidence: new EvidenceList() }),
    update: (state, record) => gate(state, record, (call, truth) => examine(state, call, truth), maxPending),
    finish({ truth, checked, wrong, evidence, unjudged }) {
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
      if (evidence.total === 0 && unjudged > 0) {
        return verdict(
          name,
          'inconclusive',
          `All ${count(total)} ok answers checked against the dataset were correct (${byTool(checked)}), but not all could be checked:${unjudgedNote(unjudged)}`,
        );
      }
      if (evidence.total === 0) {
        return verdict(
          name,
          'pass',
          `All ${count(total)} ok answers checked against the dataset were correct (${byTool(checked)}).`,
        );
      }
      return verdict(
        name,
        'fail',
        `${count(sum(wrong))} of ${count(total)} ok answers disagreed with the dataset (${byTool(wrong)}).${unjudgedNote(unjudged)}`,
        evidence,
      );
    },
  };
}
