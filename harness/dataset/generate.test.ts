import { describe, expect, it } from 'vitest';
import { ARTICLE_TOPICS, generateDataset } from './generate.ts';

describe('generateDataset', () => {
  it('is reproducible from the seed', () => {
    expect(generateDataset(5)).toEqual(generateDataset(5));
    expect(generateDataset(5)).not.toEqual(generateDataset(6));
  });

  it('gives every tenant its customers and every order a known customer', () => {
    const d = generateDataset(9, { tenants: 3, customersPerTenant: 4 });
    expect(d.tenants).toHaveLength(3);
    expect(d.customers).toHaveLength(12);
    const customers = new Set(d.customers.map((c) => c.id));
    expect(customers.size).toBe(12);
    for (const order of d.orders) expect(customers.has(order.customerId)).toBe(true);
    for (const t of d.tenants) expect(d.customers.filter((c) => c.tenantId === t.id)).toHaveLength(4);
  });
});

describe('generateDataset: the knowledge base', () => {
  it('leaves the customers and orders of a seed as they were without articles', () => {
    const withArticles = generateDataset(7);
    const without = generateDataset(7, { articlesPerTenant: 0 });
    expect(without.articles).toEqual([]);
    expect(withArticles.customers).toEqual(without.customers);
    expect(withArticles.orders).toEqual(without.orders);
  });

  it('gives each tenant its articles, each naming two topics as whole words, some internal', () => {
    const d = generateDataset(3, { tenants: 2, articlesPerTenant: 10 });
    const articles = d.articles ?? [];
    expect(articles).toHaveLength(20);
    expect(new Set(articles.map((a) => a.id)).size).toBe(20);
    for (const a of articles) {
      const words = new Set(`${a.title} ${a.body}`.toLowerCase().split(/[^a-z0-9]+/));
      expect(ARTICLE_TOPICS.filter((topic) => words.has(topic))).toHaveLength(2);
    }
    expect(new Set(articles.map((a) => a.visibility))).toEqual(new Set(['public', 'internal']));
  });
});
