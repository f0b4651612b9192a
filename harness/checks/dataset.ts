import type { CallRecord, JournalRecord, RecordOf } from '../journal/index.ts';
import { plural } from './format.ts';

type Dataset = RecordOf<'dataset'>;
export type DatasetCustomer = Dataset['customers'][number];
export type DatasetOrder = Dataset['orders'][number];
export type DatasetArticle = NonNullable<Dataset['articles']>[number];

/** The seeded ground truth, indexed by id. */
export interface GroundTruth {
  readonly customers: ReadonlyMap<string, DatasetCustomer>;
  readonly orders: ReadonlyMap<string, DatasetOrder>;
  readonly articles: ReadonlyMap<string, DatasetArticle>;
  /** Per tenant: its knowledge-base articles. */
  readonly articlesByTenant: ReadonlyMap<string, readonly DatasetArticle[]>;
}

export function indexDataset(record: Dataset): GroundTruth {
  const articles = record.articles ?? [];
  const articlesByTenant = new Map<string, DatasetArticle[]>();
  for (const a of articles)
    articlesByTenant.set(a.tenantId, [...(articlesByTenant.get(a.tenantId) ?? []), a]);
  return {
    customers: new Map(record.customers.map((c) => [c.id, c])),
    orders: new Map(record.orders.map((o) => [o.id, o])),
    articles: new Map(articles.map((a) => [a.id, a])),
    articlesByTenant,
  };
}

/**
 * At most this many ok calls are held while no dataset record has been seen. The runner journals
 * the dataset before the load starts, so in its journals nothing waits; the cap keeps a journal
 * without a dataset record (inconclusive anyway) from holding every answer of the run in memory.
 */
export const MAX_PENDING = 1000;

/** State of a check that judges ok calls against the dataset. */
export interface Gated {
  truth: GroundTruth | undefined;
  /** ok calls seen before the dataset record: judged as soon as it arrives. */
  pending: CallRecord[];
  /** ok calls seen before the dataset record once `pending` was full: never judged. */
  unjudged: number;
}

export const gated = (): Gated => ({ truth: undefined, pending: [], unjudged: 0 });

/**
 * Routes records of a dataset-comparing check: ok calls go to `examine` with the ground truth,
 * buffered (up to `maxPending`, then only counted) if the dataset has not been journaled yet
 * (order of records is not the checks' business). A later dataset record replaces the ground
 * truth for the calls after it.
 */
export function gate(
  state: Gated,
  record: JournalRecord,
  examine: (call: CallRecord, truth: GroundTruth) => void,
  maxPending = MAX_PENDING,
): void {
  if (record.type === 'dataset') {
    const truth = indexDataset(record);
    state.truth = truth;
    for (const call of state.pending.splice(0)) examine(call, truth);
  } else if (record.type === 'call' && record.outcome === 'ok') {
    if (state.truth) examine(record, state.truth);
    else if (state.pending.length < maxPending) state.pending.push(record);
    else state.unjudged++;
  }
}

/** What the summary adds when ok answers went unchecked: the dataset record came too late. */
export function unjudgedNote(unjudged: number): string {
  if (unjudged === 0) return '';
  return ` ${plural(unjudged, 'ok answer')} journaled before the dataset record, beyond the ones held for it, went unchecked.`;
}

/** `value` as a plain object, or undefined: results are untyped JSON from the target. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A value for a message: strings bare, anything else as JSON, missing said so. */
export function show(value: unknown): string {
  if (value === undefined) return 'missing';
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}
