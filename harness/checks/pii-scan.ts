import type { PiiHit, PiiSourceScan, RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import type { Check } from './types.ts';

type PiiScanRecord = Extract<RecordOf<'snapshot'>, { name: 'piiScan' }>;

interface State {
  scan: PiiScanRecord | undefined;
}

const SOURCE_NAMES: Record<PiiSourceScan['source'], string> = {
  database: 'database',
  state: 'STATE_DIR',
  logs: 'logs',
};

const describeHit = (hit: PiiHit): string =>
  `${SOURCE_NAMES[hit.source]}: ${hit.location}: the ${hit.kind} of ${hit.owner} (${hit.masked}) in plaintext${
    hit.occurrences > 1 ? `, ${hit.occurrences} ${hit.source === 'database' ? 'rows' : 'times'}` : ''
  }`;

/**
 * No seeded plaintext sensitive value (customers' emails and phones) is found anywhere the
 * target keeps data: any text, json or bytea column of its database, the files of its
 * STATE_DIR (the audit spool), the lines it logged during the run. Judged on the piiScan
 * snapshot the runner journals at the end of the run; hits name the place (table.column, file
 * and line, log line), never the value (masked). A database that could not be searched makes the
 * verdict inconclusive; a source the runtime cannot offer (STATE_DIR under containers) is named
 * in the summary as not searched.
 */
export function piiScan(): Check<State> {
  const name = 'piiScan';
  return {
    name,
    needs: ['snapshot'],
    init: () => ({ scan: undefined }),
    update(state, record) {
      if (record.type === 'snapshot' && record.name === 'piiScan') state.scan = record;
    },
    finish({ scan }) {
      if (!scan) {
        return verdict(
          name,
          'inconclusive',
          'No piiScan snapshot in the journal: the run ended before the target could be searched.',
        );
      }
      if (scan.values === 0) {
        return verdict(name, 'inconclusive', 'The dataset has no sensitive values to search for.');
      }
      const searched = scan.sources
        .map((s) => `${SOURCE_NAMES[s.source]}: ${s.scanned}${s.error ? ` (incomplete: ${s.error})` : ''}`)
        .join('; ');
      if (scan.hitsTotal > 0) {
        const evidence = new EvidenceList();
        for (const hit of scan.hits) evidence.add({ message: describeHit(hit) });
        evidence.total = Math.max(evidence.total, scan.hitsTotal);
        const bySource = new Map<string, number>();
        for (const hit of scan.hits) bySource.set(hit.source, (bySource.get(hit.source) ?? 0) + 1);
        const where = [...bySource].map(
          ([source, n]) => `${count(n)} in ${SOURCE_NAMES[source as PiiHit['source']]}`,
        );
        const owners = new Set(scan.hits.map((h) => h.owner)).size;
        return verdict(
          name,
          'fail',
          `Plaintext personal data found: ${plural(scan.hitsTotal, 'hit')} (${where.join(', ')}${
            scan.hitsTotal > scan.hits.length ? `, of the first ${scan.hits.length}` : ''
          }), values of ${plural(owners, 'customer')}; searched ${searched}.`,
          evidence,
        );
      }
      const database = scan.sources.find((s) => s.source === 'database');
      if (!database || database.error) {
        return verdict(
          name,
          'inconclusive',
          `No plaintext found, but the database was not searched: ${database?.error ?? 'no database scan'}; searched ${searched}.`,
        );
      }
      return verdict(
        name,
        'pass',
        `None of the ${plural(scan.values, 'seeded sensitive value')} found in plaintext; searched ${searched}.`,
      );
    },
  };
}
