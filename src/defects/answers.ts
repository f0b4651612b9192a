import type { Repository } from '../db/repository.ts';
import type { Customer } from '../domain.ts';

// What a service that returns its exceptions' text shows: the driver's error and the statement.
export function withInternals(message: string, cause: unknown): string {
  if (!(cause instanceof Error)) return message;
  const query = (cause as { query?: unknown }).query;
  return `${message}: ${cause.message}${typeof query === 'string' ? ` (query: ${query.replace(/\s+/g, ' ')})` : ''}`;
}

const pickAt = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[((index % items.length) + items.length) % items.length];

// The next customer (by id) of the same tenant: isolation checks pass, correctness checks must not.
export async function wrongCustomerSameTenant(
  repository: Repository,
  authorized: Customer,
): Promise<Customer> {
  const peers = await repository.listTenantCustomers(authorized.tenantId);
  const index = peers.findIndex((c) => c.id === authorized.id);
  return pickAt(peers, index + 1) ?? authorized;
}

// The customer at the same position in the next tenant (by id): a cross-tenant leak.
export async function crossTenantCustomer(repository: Repository, authorized: Customer): Promise<Customer> {
  const tenants = await repository.listTenantIds();
  const nextTenant = pickAt(tenants, tenants.indexOf(authorized.tenantId) + 1);
  if (nextTenant === undefined || nextTenant === authorized.tenantId) return authorized;
  const own = await repository.listTenantCustomers(authorized.tenantId);
  const foreign = await repository.listTenantCustomers(nextTenant);
  return (
    pickAt(
      foreign,
      own.findIndex((c) => c.id === authorized.id),
    ) ?? authorized
  );
}
