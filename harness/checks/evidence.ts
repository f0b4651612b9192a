import type { Margin } from '../journal/index.ts';
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
  margin?: Margin,
): Verdict {
  return {
    check,
    status,
    summary,
    evidence: [...evidence.items],
    evidenceTotal: evidence.total,
    ...(margin ? { margin } : {}),
  };
}

/** The margin of `value` against `limit`, where `better` says which side of it is good. */
export function margin(
  value: number,
  limit: number,
  unit: Margin['unit'],
  better: Margin['better'] = 'lower',
  of?: string,
): Margin {
  const distance = better === 'lower' ? limit - value : value - limit;
  return {
    value,
    limit,
    unit,
    better,
    headroom: limit === 0 ? null : distance / Math.abs(limit),
    ...(of !== undefined ? { of } : {}),
  };
}

/** Of several margins, the one closest to (or furthest past) its limit. */
export function tightest(margins: readonly (Margin | undefined)[]): Margin | undefined {
  let worst: Margin | undefined;
  for (const m of margins) {
    if (m === undefined) continue;
    const key = (x: Margin) => x.headroom ?? (x.better === 'lower' ? x.limit - x.value : x.value - x.limit);
    if (worst === undefined || key(m) < key(worst)) worst = m;
  }
  return worst;
}
