import { describe, expect, it } from 'vitest';
import { generateDataset } from './generate.ts';
import { maskValue, PlaintextMatcher, sensitiveValues } from './sensitive.ts';

describe('sensitiveValues', () => {
  it("lists every customer's email and phone once, with its owner", () => {
    const dataset = generateDataset(3, { tenants: 2, customersPerTenant: 3 });
    const values = sensitiveValues(dataset);
    expect(values).toHaveLength(12);
    const first = dataset.customers[0];
    expect(values).toContainEqual({ kind: 'email', value: first?.email, owner: first?.id });
    expect(values).toContainEqual({ kind: 'phone', value: first?.phone, owner: first?.id });
    expect(new Set(values.map((v) => v.value)).size).toBe(12);
  });

  it('takes extra values (cards a tool writes) and leaves out ones too short to mean anything', () => {
    const values = sensitiveValues(
      { customers: [{ id: 'c1', tenantId: 't', name: 'n', email: 'a@b', tier: 'x' }] },
      [{ kind: 'card', value: '4242424242424242', owner: 'c1' }],
    );
    expect(values).toEqual([{ kind: 'card', value: '4242424242424242', owner: 'c1' }]);
  });
});

describe('maskValue', () => {
  it('shows two characters and the length, never the value', () => {
    expect(maskValue('ada.lovelace.1@tenant1.example')).toBe('ad… (30 chars)');
  });
});

describe('PlaintextMatcher', () => {
  const values = sensitiveValues({
    customers: [
      { id: 'c1', tenantId: 't', name: 'n', email: 'ada@x.example', phone: '+1-555-0101-0001', tier: 'x' },
      { id: 'c2', tenantId: 't', name: 'n', email: 'grace.h@x.example', tier: 'x' },
    ],
  });
  const matcher = new PlaintextMatcher(values);

  it('finds each value present, once, whatever surrounds it; regex characters are literal', () => {
    const line =
      '{"msg":"debug: answered {\\"email\\":\\"ada@x.example\\",\\"phone\\":\\"+1-555-0101-0001\\"} ada@x.example"}';
    expect(matcher.find(line).sort()).toEqual([0, 1]);
    expect(matcher.find('adaXx.example +1-555-0101-000')).toEqual([]);
    expect(matcher.find('grace.h@x.example')).toEqual([2]);
  });

  it('finds nothing with no values (nor with an empty one), and can be used again and again', () => {
    expect(new PlaintextMatcher([]).find('anything')).toEqual([]);
    expect(new PlaintextMatcher([{ kind: 'email', value: '', owner: 'c' }]).find('anything')).toEqual([]);
    for (let i = 0; i < 3; i++) expect(matcher.find('x grace.h@x.example y')).toEqual([2]);
  });
});
