import { createHash, type Hash } from 'node:crypto';

/**
 * A running sha256 over the planned call sequence, one line a call: equal seeds give equal
 * digests, and memory stays constant however many calls a run makes.
 */
export class SequenceHash {
  readonly #hash: Hash = createHash('sha256');
  #count = 0;

  get count(): number {
    return this.#count;
  }

  add(line: string): void {
    this.#hash.update(`${line}\n`);
    this.#count++;
  }

  /** The hex digest; call once, at the end. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}
