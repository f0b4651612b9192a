import type { CallRecord } from '../journal/index.ts';
import { asObject, type DatasetArticle, type GroundTruth, show } from './dataset.ts';

// The judges of search_knowledge_base, update_billing and analytics_summary answers: each returns
// the problems of one ok answer compared with the ground truth (none = correct).

/** How long a search hit's snippet may be: the start of the article's text, at most this long. */
export const MAX_SNIPPET = 200;

/** The lower-case words of a text, as a full-text search splits it (letters and digits). */
const words = (text: string): Set<string> =>
  new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean),
  );

const articleWords = new WeakMap<DatasetArticle, Set<string>>();
function mentions(article: DatasetArticle, word: string): boolean {
  let known = articleWords.get(article);
  if (!known) {
    known = words(`${article.title} ${article.body}`);
    articleWords.set(article, known);
  }
  return known.has(word);
}

/**
 * A search hit must be an article of the caller's tenant it may read (a customer: public ones
 * only), shown as it is (title, the start of its text), and one that names the word searched for.
 * And nothing that matches may be missing: every readable article naming the word is in the
 * answer, unless the answer is full (`limit` hits). A query of one plain word is judged this way
 * (the harness's workload sends such queries); any other query only on the hits' own fields.
 */
export function judgeSearch(result: Record<string, unknown>, call: CallRecord, truth: GroundTruth): string[] {
  const { args, identity } = call;
  const hits = result.results;
  if (!Array.isArray(hits)) return ['the result has no results list'];
  const query = typeof args.query === 'string' ? args.query.trim().toLowerCase() : '';
  const word = /^[a-z0-9]+$/.test(query) ? query : undefined;
  const limit = typeof args.limit === 'number' ? args.limit : 10;
  const readable = (a: DatasetArticle) => identity.role !== 'customer' || a.visibility === 'public';
  const problems: string[] = [];
  if (hits.length > limit) problems.push(`${hits.length} hits for a limit of ${limit}`);
  const seen = new Set<string>();
  for (const item of hits) {
    const hit = asObject(item) ?? {};
    const article = truth.articles.get(String(hit.id));
    if (!article) {
      problems.push(`article ${show(hit.id)} is not in the dataset`);
      continue;
    }
    seen.add(article.id);
    if (article.tenantId !== identity.tenant)
      problems.push(`article ${article.id} is tenant ${article.tenantId}'s`);
    else if (!readable(article)) problems.push(`article ${article.id} is internal, shown to a customer`);
    if (hit.title !== article.title) problems.push(`article ${article.id} title is ${show(hit.title)}`);
    const snippet = hit.snippet;
    if (typeof snippet !== 'string' || snippet.length > MAX_SNIPPET || !article.body.startsWith(snippet))
      problems.push(
        `article ${article.id} snippet is not the start of its text (at most ${MAX_SNIPPET} characters)`,
      );
    if (word !== undefined && !mentions(article, word))
      problems.push(`article ${article.id} does not mention ${show(word)}`);
  }
  if (word !== undefined && hits.length < limit) {
    const missing = (truth.articlesByTenant.get(identity.tenant) ?? []).filter(
      (a) => readable(a) && mentions(a, word) && !seen.has(a.id),
    );
    if (missing.length > 0)
      problems.push(
        `missing ${missing.length} matching article(s) (${missing
          .slice(0, 3)
          .map((a) => a.id)
          .join(', ')})`,
      );
  }
  return problems;
}

/**
 * An update is answered as sent (customer, email, plan, the card's last four) and the card number
 * itself is nowhere in the answer: a card is a token and its last four.
 */
export function judgeBilling(result: Record<string, unknown>, call: CallRecord): string[] {
  const { args } = call;
  const billing = asObject(result.billing);
  if (!billing) return ['the result has no billing object'];
  const problems: string[] = [];
  for (const f of ['customerId', 'billingEmail', 'plan'] as const) {
    if (billing[f] !== args[f])
      problems.push(`billing ${f} is ${show(billing[f])}, the call sent ${show(args[f])}`);
  }
  const number = typeof args.cardNumber === 'string' ? args.cardNumber : '';
  const card = asObject(billing.card);
  if (card?.last4 !== number.slice(-4))
    problems.push(`card last4 is ${show(card?.last4)}, not the sent card's`);
  if (number.length >= 12 && JSON.stringify(result).includes(number))
    problems.push('the answer carries the full card number');
  return problems;
}

/** Per tenant, what the dataset says analytics_summary must answer (all but the tickets). */
export interface TenantFigures {
  customers: number;
  byTier: Map<string, number>;
  byStatus: Map<string, { count: number; totalCents: number }>;
  articles: number;
}

const figuresCache = new WeakMap<GroundTruth, Map<string, TenantFigures>>();

function figuresOf(truth: GroundTruth, tenant: string): TenantFigures {
  let all = figuresCache.get(truth);
  if (!all) {
    all = new Map();
    const of = (t: string) => {
      let f = all?.get(t);
      if (!f) {
        f = { customers: 0, byTier: new Map(), byStatus: new Map(), articles: 0 };
        all?.set(t, f);
      }
      return f;
    };
    for (const c of truth.customers.values()) {
      const f = of(c.tenantId);
      f.customers++;
      f.byTier.set(c.tier, (f.byTier.get(c.tier) ?? 0) + 1);
    }
    for (const o of truth.orders.values()) {
      const owner = truth.customers.get(o.customerId);
      if (!owner) continue;
      const s = of(owner.tenantId).byStatus;
      const was = s.get(o.status) ?? { count: 0, totalCents: 0 };
      s.set(o.status, { count: was.count + 1, totalCents: was.totalCents + o.totalCents });
    }
    for (const a of truth.articles.values()) of(a.tenantId).articles++;
    figuresCache.set(truth, all);
  }
  return all.get(tenant) ?? { customers: 0, byTier: new Map(), byStatus: new Map(), articles: 0 };
}

const sameCounts = (got: unknown, want: Map<string, number>): boolean => {
  const o = asObject(got);
  if (!o || Object.keys(o).length !== want.size) return false;
  return [...want].every(([k, n]) => o[k] === n);
};

/**
 * The caller's own tenant's figures, exactly as the dataset has them: customers (by tier), orders
 * by status (count and total cents), articles. Open tickets change during a run: they are judged
 * apart (a lower bound here, an upper bound at the end of the run: see correctAnswers).
 */
export function judgeAnalytics(
  result: Record<string, unknown>,
  call: CallRecord,
  truth: GroundTruth,
): string[] {
  const tenant = call.identity.tenant;
  const want = figuresOf(truth, tenant);
  const problems: string[] = [];
  if (result.tenantId !== tenant)
    problems.push(`figures of tenant ${show(result.tenantId)}, asked by ${tenant}`);
  const customers = asObject(result.customers) ?? {};
  if (customers.total !== want.customers)
    problems.push(`customers.total is ${show(customers.total)}, dataset says ${want.customers}`);
  if (!sameCounts(customers.byTier, want.byTier))
    problems.push(
      `customers.byTier is ${show(customers.byTier)}, dataset says ${show(Object.fromEntries(want.byTier))}`,
    );
  const byStatus = asObject(asObject(result.orders)?.byStatus);
  const statusesRight =
    byStatus !== undefined &&
    Object.keys(byStatus).length === want.byStatus.size &&
    [...want.byStatus].every(([status, w]) => {
      const got = asObject(byStatus[status]);
      return got?.count === w.count && got?.totalCents === w.totalCents;
    });
  if (!statusesRight)
    problems.push(
      `orders.byStatus is ${show(byStatus)}, dataset says ${show(Object.fromEntries(want.byStatus))}`,
    );
  if (result.articles !== want.articles)
    problems.push(`articles is ${show(result.articles)}, dataset says ${want.articles}`);
  return problems;
}
