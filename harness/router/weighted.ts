/** What the picker needs of a candidate: its weight and its running score. */
export interface WeightedPeer {
  readonly weight: number;
  /** nginx's `current_weight`: raised by the weight every pick, lowered by the total when chosen. */
  current: number;
}

/**
 * nginx's smooth weighted round-robin: deterministic (the same weights give the same sequence,
 * so a journal is reproducible) and spread out (weights 1:3 give b a b b b a b b …, never three
 * a's in a row), and exact over a cycle (400 picks at 1:3 are 100 and 300). Candidates with
 * weight 0 are skipped; the caller passes only those it may route to now. Returns undefined when
 * none has weight.
 */
export function pickSmooth<T extends WeightedPeer>(candidates: Iterable<T>): T | undefined {
  let total = 0;
  let best: T | undefined;
  for (const peer of candidates) {
    if (peer.weight <= 0) continue;
    peer.current += peer.weight;
    total += peer.weight;
    if (best === undefined || peer.current > best.current) best = peer;
  }
  if (best !== undefined) best.current -= total;
  return best;
}
