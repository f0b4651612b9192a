import { hash } from 'node:crypto';

/**
 * A digest of the calls' choices — which VU called which tool with which arguments — in constant
 * memory, whatever order the journal holds them in. Calls are journaled as they end, not as they
 * were planned, so a sorted list would mean keeping every call; instead each (vu, tool, argsDigest)
 * is hashed and the hashes are added lane-wise (eight 32-bit lanes, modulo 2^32): a multiset hash.
 * Equal seeds give equal digests; times never enter it. It does not see two calls of one VU
 * swapping places, which a changed seed would not produce alone.
 */
export class CallSequenceDigest {
  readonly #lanes = new Uint32Array(8);
  #count = 0;

  add(vu: number, tool: string, argsDigest: string): void {
    const h = hash('sha256', `${vu}\u0000${tool}\u0000${argsDigest}`, 'buffer');
    for (let i = 0; i < 8; i++) this.#lanes[i] = ((this.#lanes[i] as number) + h.readUInt32BE(i * 4)) >>> 0;
    this.#count++;
  }

  /** sha256 hex over the lanes and the count; does not change the state. */
  digest(): string {
    return hash('sha256', `${this.#count}:${Array.from(this.#lanes).join(',')}`, 'hex');
  }
}
