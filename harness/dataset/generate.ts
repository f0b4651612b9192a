import { z } from 'zod';
import type { datasetRecord } from '../journal/records.ts';
import { Random } from '../random.ts';

export type Dataset = Omit<z.infer<typeof datasetRecord>, 'type'>;
export type Customer = Dataset['customers'][number];

export const datasetOptions = z.object({
  tenants: z.number().int().min(2).max(50).default(3),
  customersPerTenant: z.number().int().min(2).max(1000).default(12),
  maxOrdersPerCustomer: z.number().int().min(0).max(50).default(4),
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
 * The seeded multi-tenant dataset: the ground truth the checks compare answers with. The same
 * seed gives the same dataset, so a journal's dataset record can be reproduced.
 */
export function generateDataset(seed: number, options: DatasetOptions = {}): Dataset {
  const o = datasetOptions.parse(options);
  const random = new Random(seed ^ 0x5eed);
  const dataset: Dataset = { tenants: [], customers: [], orders: [] };
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
  return dataset;
}
