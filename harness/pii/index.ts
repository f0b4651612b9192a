// Data protection evidence: where seeded plaintext personal data ended up (database, STATE_DIR,
// logs), gathered for the piiScan check. This runs things (PostgreSQL, files); the check only
// reads the snapshot record it journals.

export { PII_HITS_CAP, PiiScanCollector } from './collect.ts';
export { scanDatabase } from './database.ts';
export { LineScanner, scanFiles } from './text.ts';
