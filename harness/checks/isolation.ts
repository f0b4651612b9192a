import type { CallRecord } from '../journal/index.ts';
import { asObject, type Gated, type GroundTruth, gate, gated, MAX_PENDING, unjudgedNote } from './dataset.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

interface State extends Gated {
  answers: number;
  leaks: EvidenceList;
  foreignTenants: Set<string>;
}

/**
 * What one ok answer shows beyond the caller's scope. The result is walked whole (any tool, any
 * nesting): every object's `customerId`, an `id` that is a dataset customer or order, and any
 * `tenantId` field. Tenancy comes from the dataset, not from the answer; a `tenantId` field naming
 * another tenant is flagged too, and so is a knowledge-base article of another tenant. A customer-role caller may see only its own customer. Ids the
 * dataset does not know (tickets, say) are judged by their `customerId`, never guessed at.
 */
function leaksOf(call: CallRecord, truth: GroundTruth): Map<string, string | undefined> {
  const { tenant, role, customer: own } = call.identity;
  const leaks = new Map<string, string | undefined>(); // what was shown → its tenant, if foreign
  const customerShown = (id: string) => {
    const known = truth.customers.get(id);
    if (known && known.tenantId !== tenant)
      leaks.set(`customer ${id} of tenant ${known.tenantId}`, known.tenantId);
    else if (role === 'customer' && id !== own)
      leaks.set(`customer ${id} (not the caller's own ${own ?? 'customer'})`, undefined);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    const node = asObject(value);
    if (!node) return;
    if (typeof node.tenantId === 'string' && node.tenantId !== tenant)
      leaks.set(`a record of tenant ${node.tenantId}`, node.tenantId);
    if (typeof node.customerId === 'string') customerShown(node.customerId);
    if (typeof node.id === 'string') {
      if (truth.customers.has(node.id)) customerShown(node.id);
      const order = truth.orders.get(node.id);
      if (order) customerShown(order.customerId);
      const article = truth.articles.get(node.id);
      if (article && article.tenantId !== tenant)
        leaks.set(`article ${node.id} of tenant ${article.tenantId}`, article.tenantId);
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(call.result);
  return leaks;
}

function examine(state: State, call: CallRecord, truth: GroundTruth): void {
  state.answers++;
  const found = leaksOf(call, truth);
  if (found.size === 0) return;
  for (const foreign of found.values()) if (foreign) state.foreignTenants.add(foreign);
  const leaks = [...found.keys()];
  const { tenant, role, customer } = call.identity;
  const caller =
    role === 'customer' ? `customer ${customer ?? '?'} of tenant ${tenant}` : `${role} of tenant ${tenant}`;
  const more = leaks.length > 3 ? ` and ${leaks.length - 3} more` : '';
  state.leaks.add({
    correlationId: call.correlationId,
    message: `${caller} was shown ${leaks.slice(0, 3).join(', ')}${more} by ${call.tool}`,
  });
}

export interface IsolationOptions {
  /** ok calls held while the dataset record has not arrived (see MAX_PENDING); the rest go unchecked. */
  maxPending?: number;
}

/**
 * No ok answer shows another tenant's data, nor, to a customer, another customer's. Memory is
 * constant in the number of calls: a count, capped evidence, the foreign tenants named (at most
 * the distinct tenant ids answers carry) and, only until the dataset record arrives, at most
 * `maxPending` calls.
 */
export function isolation({ maxPending = MAX_PENDING }: IsolationOptions = {}): Check<State> {
  const name = 'isolation';
  return {
    name,
    needs: ['dataset', 'call'],
    init: () => ({ ...gated(), answers: 0, leaks: new EvidenceList(), foreignTenants: new Set() }),
    update: (state, record) => gate(state, record, (call, truth) => examine(state, call, truth), maxPending),
    finish({ truth, answers, leaks, foreignTenants, unjudged }) {
      if (!truth) {
        return verdict(
          name,
          'inconclusive',
          'No dataset record in the journal, so tenancy could not be established.',
        );
      }
      if (answers === 0) {
        return verdict(
          name,
          'inconclusive',
          `No ok answers were recorded, so isolation could not be checked.${unjudgedNote(unjudged)}`,
        );
      }
      if (leaks.total === 0 && unjudged > 0) {
        return verdict(
          name,
          'inconclusive',
          `None of the ${plural(answers, 'ok answer')} checked showed data outside the caller's tenant or customer, but not all could be checked:${unjudgedNote(unjudged)}`,
        );
      }
      if (leaks.total === 0) {
        return verdict(
          name,
          'pass',
          `None of the ${plural(answers, 'ok answer')} showed data outside the caller's tenant or customer.`,
        );
      }
      const tenants =
        foreignTenants.size > 0 ? ` (foreign tenants: ${[...foreignTenants].sort().join(', ')})` : '';
      const summary = `${count(leaks.total)} of ${plural(answers, 'ok answer')} showed data outside the caller's tenant or customer${tenants}.${unjudgedNote(unjudged)}`;
      return verdict(name, 'fail', summary, leaks);
    },
  };
}
