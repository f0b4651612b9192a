import { z } from 'zod';
import type { datasetRecord } from '../journal/records.ts';
import { Random } from '../random.ts';

export type Dataset = Omit<z.infer<typeof datasetRecord>, 'type'>;
export type Customer = Dataset['customers'][number];

export const datasetOptions = z.object({
  tenants: z.number().int().min(2).max(50).default(3),
  customersPerTenant: z.number().int().min(2).max(1000).default(12),
  maxOrdersPerCustomer: z.number().int().min(0).max(50).default(4),
  articlesPerTenant: z.number().int().min(0).max(200).default(8),
});
export type DatasetOptions = z.input<typeof datasetOptions>;

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Radia',
  'Tony',
  'Lynn',
];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman'];
const TIERS = ['free', 'standard', 'premium'] as const;
const STATUSES = ['pending', 'shipped', 'delivered', 'refunded'] as const;

/**
 * The knowledge base's topics: each article is about two of them and names each once, as a whole
 * word. The rest of an article's text is fixed wording whose words stem to none of these (under
 * PostgreSQL's 'english' configuration), so "which articles match topic X" has one answer the
 * checks can compute: those that name X. The workload searches for these words.
 */
export const ARTICLE_TOPICS = [
  'refund',
  'shipping',
  'password',
  'invoice',
  'warranty',
  'delivery',
  'cancellation',
  'upgrade',
  'coupon',
  'security',
] as const;

/**
 * The seeded multi-tenant dataset: the ground truth the checks compare answers with. The same
 * seed gives the same dataset, so a journal's dataset record can be reproduced.
 */
export function generateDataset(seed: number, options: DatasetOptions = {}): Dataset {
  const o = datasetOptions.parse(options);
  const random = new Random(seed ^ 0x5eed);
  const dataset: Dataset = { tenants: [], customers: [], orders: [], articles: [] };
  const base = Date.UTC(2026, 0, 1);
  for (let t = 1; t <= o.tenants; t++) {
    const tenantId = `ten_${t}_${random.hex(6)}`;
    dataset.tenants.push({ id: tenantId, name: `Tenant ${t}` });
    for (let c = 1; c <= o.customersPerTenant; c++) {
      const first = random.pick(FIRST);
      const last = random.pick(LAST);
      const customerId = `cus_${random.hex(10)}`;
      dataset.customers.push({
        id: customerId,
        tenantId,
        name: `${first} ${last}`,
        email: `${first}.${last}.${c}@tenant${t}.example`.toLowerCase(),
        // From the positions, not the random stream: adding it left every other seeded value as it was.
        // 555-01xx is the range reserved for fiction, so no real number is ever dialled.
        phone: `+1-555-01${String(t).padStart(2, '0')}-${String(c).padStart(4, '0')}`,
        tier: random.pick(TIERS),
      });
      const orders = random.int(0, o.maxOrdersPerCustomer);
      for (let n = 0; n < orders; n++) {
        dataset.orders.push({
          id: `ord_${random.hex(12)}`,
          customerId,
          status: random.pick(STATUSES),
          totalCents: random.int(100, 500_000),
          createdAt: new Date(
            base + random.int(0, 300) * 86_400_000 + random.int(0, 86_399) * 1000,
          ).toISOString(),
        });
      }
    }
  }
  dataset.articles = generateArticles(seed, dataset.tenants, o.articlesPerTenant);
  return dataset;
}

/**
 * Knowledge-base articles, from a stream of their own: the customers and orders of a seed stay
 * what they were before the knowledge base existed.
 */
function generateArticles(
  seed: number,
  tenants: Dataset['tenants'],
  perTenant: number,
): NonNullable<Dataset['articles']> {
  const random = new Random(seed ^ 0xa871c1e);
  const articles: NonNullable<Dataset['articles']> = [];
  tenants.forEach((tenant, t) => {
    for (let n = 1; n <= perTenant; n++) {
      const first = random.pick(ARTICLE_TOPICS);
      const second = random.pick(ARTICLE_TOPICS.filter((topic) => topic !== first));
      articles.push({
        id: `kb_${random.hex(10)}`,
        tenantId: tenant.id,
        title: `${first[0]?.toUpperCase()}${first.slice(1)} and ${second}: guide ${t + 1}.${n}`,
        body:
          `This article explains ${first} for the customers of ${tenant.name}. It also covers ${second}. ` +
          'Contact support if the steps below do not help. Step one: open your account settings. ' +
          'Step two: follow the instructions on the page.',
        // Most articles are public; a third are internal (staff only).
        visibility: random.int(0, 2) === 0 ? 'internal' : 'public',
      });
    }
  });
  return articles;
}
