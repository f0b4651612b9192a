// The tables the backup script was written for, before tickets and the audit log existed.
const LISTED = ['tenants', 'customers', 'orders'];

/** backup-tables-by-hand: only the tables someone once listed, whatever the schema has now. */
export function tablesListedByHand(found: readonly string[]): readonly string[] {
  return found.filter((table) => LISTED.includes(table));
}
