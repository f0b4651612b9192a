import type { Dataset } from '../dataset/generate.ts';
import { digest, sequenceArgsDigest as sequenceDigestOf } from '../journal/digest.ts';
import type { IdentityClaims } from '../journal/records.ts';
import { Random } from '../random.ts';
import { SequenceHash } from './sequence-hash.ts';
import { type PlannedCall, planCall, type ToolMix } from './workload.ts';

/** One planned arrival of an open model: which identity, which call. */
export interface PlannedArrival {
  callIndex: number;
  group: number;
  plan: PlannedCall;
  /** Digest of the arguments as sent (idempotency key included). */
  argsDigest: string;
}

/**
 * The choices of an open-model stream, in arrival order, from its seed: the identity of each
 * call and the call itself. The executor and the dry run that digests a schedule before it runs
 * (for the journal header) share it, so the two cannot drift apart. The running digest leaves out
 * the run id in idempotency keys, so that equal seeds give equal digests run after run.
 */
export class ArrivalPlanner {
  readonly #random: Random;
  readonly #sequence = new SequenceHash();
  readonly #identities: readonly IdentityClaims[];
  readonly #dataset: Dataset;
  readonly #mix: ToolMix;
  readonly #keyPrefix: string;
  readonly #runId: string;

  constructor(options: {
    seed: number;
    runId: string;
    /** The stream's id prefix: the run id, or `${runId}-${stream}`. */
    prefix: string;
    identities: readonly IdentityClaims[];
    dataset: Dataset;
    mix: ToolMix;
  }) {
    this.#random = new Random(options.seed);
    this.#identities = options.identities;
    this.#dataset = options.dataset;
    this.#mix = options.mix;
    this.#keyPrefix = options.prefix;
    this.#runId = options.runId;
  }

  next(): PlannedArrival {
    const group = this.#random.int(0, this.#identities.length - 1);
    const callIndex = this.#sequence.count;
    const plan = planCall(
      this.#random,
      this.#identities[group] as IdentityClaims,
      this.#dataset,
      this.#mix,
      `${this.#keyPrefix}-k${callIndex}`,
    );
    const argsDigest = digest(plan.args);
    this.#sequence.add(
      `${callIndex}:${group}:${plan.tool}:${sequenceDigestOf(plan.args, this.#runId, argsDigest)}`,
    );
    return { callIndex, group, plan, argsDigest };
  }

  get planned(): number {
    return this.#sequence.count;
  }

  digest(): string {
    return this.#sequence.digest();
  }
}

export { sequenceDigestOf };
