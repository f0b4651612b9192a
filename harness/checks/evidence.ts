import type { Evidence, Verdict, VerdictStatus } from './types.ts';

/** At most this many evidence items are kept per verdict; `evidenceTotal` keeps the full count. */
export const EVIDENCE_CAP = 20;

/** Collects evidence, keeping the first EVIDENCE_CAP items and counting all of them. */
export class EvidenceList {
  readonly items: Evidence[] = [];
  total = 0;

  add(item: Evidence): void {
    this.total++;
    if (this.items.length < EVIDENCE_CAP) this.items.push(item);
  }
}

export function verdict(
  check: string,
  status: VerdictStatus,
  summary: string,
  evidence: EvidenceList = new EvidenceList(),
): Verdict {
  return { check, status, summary, evidence: [...evidence.items], evidenceTotal: evidence.total };
}
