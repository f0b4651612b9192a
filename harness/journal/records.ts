import { z } from 'zod';

/**
 * Journal record schemas. The journal is the append-only JSONL record of one run; every line is
 * exactly one of these records. Times are epoch milliseconds (fractional where measured with the
 * high-resolution clock) so that a journal read offline orders exactly as it was written.
 */

export const identitySchema = z.object({
  tenant: z.string(),
  role: z.enum(['agent', 'auditor', 'customer']),
  customer: z.string().optional(),
});
export type IdentityClaims = z.infer<typeof identitySchema>;

export const headerRecord = z.object({
  type: z.literal('header'),
  runId: z.string(),
  scenario: z.string(),
  seed: z.number().int(),
  runtime: z.enum(['local', 'containers']),
  startedAt: z.number(),
  versions: z.object({ harness: z.string(), node: z.string(), target: z.string().optional() }),
  config: z.record(z.string(), z.unknown()),
});

/** The seeded ground truth the checks compare answers with. */
export const datasetRecord = z.object({
  type: z.literal('dataset'),
  tenants: z.array(z.object({ id: z.string(), name: z.string() })),
  customers: z.array(
    z.object({ id: z.string(), tenantId: z.string(), name: z.string(), email: z.string(), tier: z.string() }),
  ),
  orders: z.array(
    z.object({
      id: z.string(),
      customerId: z.string(),
      status: z.string(),
      totalCents: z.number().int(),
      createdAt: z.string(),
    }),
  ),
});

export const phaseRecord = z.object({
  type: z.literal('phase'),
  name: z.string(),
  event: z.enum(['start', 'end']),
  at: z.number(),
});

/** How a call ended, as the client saw it. */
export const outcomeSchema = z.enum([
  'ok', // a result without isError
  'error', // a well-formed tool error result (isError with a stable code)
  'protocol-error', // a JSON-RPC error or a malformed response
  'transport-error', // connection refused/reset, HTTP 5xx without a JSON-RPC body
  'timeout', // the client gave up after its call budget
]);
export type Outcome = z.infer<typeof outcomeSchema>;

export const callRecord = z.object({
  type: z.literal('call'),
  correlationId: z.string(),
  vu: z.number().int(),
  identity: identitySchema,
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  argsDigest: z.string(),
  intendedStart: z.number(),
  actualStart: z.number(),
  end: z.number(),
  phase: z.string().optional(),
  outcome: outcomeSchema,
  /** Stable error code from the target, or a harness code for transport failures. */
  code: z.string().optional(),
  message: z.string().optional(),
  /** Build id and correlation id the target echoed in the result's _meta. */
  buildId: z.string().optional(),
  echoedCorrelationId: z.string().optional(),
  /** sha256 of the canonical JSON of the whole result, error results included. */
  resultDigest: z.string().optional(),
  /** The result's structuredContent, kept so that checks can compare it with the ground truth. */
  result: z.unknown().optional(),
});
export type CallRecord = z.infer<typeof callRecord>;

export const faultRecord = z.object({
  type: z.literal('fault'),
  fault: z.string(),
  event: z.enum(['inject', 'heal', 'error']),
  at: z.number(),
  link: z.string().optional(),
  detail: z.string().optional(),
});

/** The load driver's own scheduling lag over one window: how late calls started versus intended. */
export const lagRecord = z.object({
  type: z.literal('lag'),
  from: z.number(),
  to: z.number(),
  scheduled: z.number().int(),
  maxLagMs: z.number(),
  meanLagMs: z.number(),
  /** Calls the driver could not start because its in-flight cap was reached. */
  dropped: z.number().int(),
});

export const probeRecord = z.object({
  type: z.literal('probe'),
  name: z.string(),
  at: z.number(),
  ok: z.boolean(),
  latencyMs: z.number(),
  detail: z.string().optional(),
});

/** State read from the target at the end of the run (through its admin contract). */
export const snapshotRecord = z.object({
  type: z.literal('snapshot'),
  name: z.literal('tickets'),
  at: z.number(),
  tickets: z.array(
    z.object({ id: z.string(), tenantId: z.string(), customerId: z.string(), idempotencyKey: z.string() }),
  ),
});

export const evidenceSchema = z.object({ correlationId: z.string().optional(), message: z.string() });
export type Evidence = z.infer<typeof evidenceSchema>;

export const verdictStatus = z.enum(['pass', 'fail', 'inconclusive']);
export type VerdictStatus = z.infer<typeof verdictStatus>;

export const verdictRecord = z.object({
  type: z.literal('verdict'),
  check: z.string(),
  status: verdictStatus,
  summary: z.string(),
  evidence: z.array(evidenceSchema),
  /** How many evidence items there were before the list was capped. */
  evidenceTotal: z.number().int(),
});

export const endRecord = z.object({ type: z.literal('end'), at: z.number(), reason: z.string().optional() });

export const journalRecord = z.discriminatedUnion('type', [
  headerRecord,
  datasetRecord,
  phaseRecord,
  callRecord,
  faultRecord,
  lagRecord,
  probeRecord,
  snapshotRecord,
  verdictRecord,
  endRecord,
]);
export type JournalRecord = z.infer<typeof journalRecord>;
export type RecordType = JournalRecord['type'];
export type RecordOf<T extends RecordType> = Extract<JournalRecord, { type: T }>;
