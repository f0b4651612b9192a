// Kept apart from the defect implementations so config parsing does not load them.
export const DEFECT_NAMES = [
  'none',
  'wrong-customer-same-tenant',
  'cross-tenant-customer',
  'sql-in-errors',
  'pool-timeouts-off',
  'connection-leak',
  'idempotency-ignored',
  'readyz-always-ok',
  'pool-gauge-stale',
  'jwks-no-cache',
  'pool-error-unhandled',
  'tenant-cache-key',
  'no-drain',
  'flags-ignored',
  'audit-spool-off',
  'shedding-off',
  'backup-tables-by-hand',
  'pii-in-logs',
  'pii-plaintext',
] as const;
export type DefectName = (typeof DEFECT_NAMES)[number];
