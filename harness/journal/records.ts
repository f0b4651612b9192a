import { z } from 'zod';

/**
 * Journal record schemas. The journal is the append-only JSONL record of one run; every line is
 * exactly one of these records. Times are epoch milliseconds (fractional where measured with the
 * high-resolution clock) so that a journal read offline orders exactly as it was written.
 */

/** The roles a target's identities may have (the reference server knows each). */
export const ROLES = ['agent', 'auditor', 'customer', 'manager', 'billing_admin'] as const;
export type Role = (typeof ROLES)[number];

export const identitySchema = z.object({
  tenant: z.string(),
  role: z.enum(ROLES),
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
  versions: z.object({
    harness: z.string(),
    node: z.string(),
    target: z.string().optional(),
    /** Of the environment's Toxiproxy server and PostgreSQL server (absent in older journals). */
    toxiproxy: z.string().optional(),
    postgres: z.string().optional(),
  }),
  /** The machine the run ran on (absent in older journals). */
  host: z
    .object({
      hostname: z.string(),
      platform: z.string(),
      arch: z.string(),
      cpus: z.number().int(),
      memoryMiB: z.number().int(),
    })
    .optional(),
  config: z.record(z.string(), z.unknown()),
});

/** The seeded ground truth the checks compare answers with. */
export const datasetRecord = z.object({
  type: z.literal('dataset'),
  tenants: z.array(z.object({ id: z.string(), name: z.string() })),
  customers: z.array(
    z.object({
      id: z.string(),
      tenantId: z.string(),
      name: z.string(),
      email: z.string(),
      // Optional: journals recorded before phones were seeded have none.
      phone: z.string().optional(),
      tier: z.string(),
    }),
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
  /** Knowledge-base articles (absent in journals from before the knowledge base). */
  articles: z
    .array(
      z.object({
        id: z.string(),
        tenantId: z.string(),
        title: z.string(),
        body: z.string(),
        visibility: z.enum(['public', 'internal']),
      }),
    )
    .optional(),
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
  /**
   * Set on a client retry only (absent on a first attempt): its attempt number (2 = the first
   * retry) and the first attempt's correlation id. A retry sends the same arguments.
   */
  attempt: z.number().int().min(2).optional(),
  retryOf: z.string().optional(),
  /**
   * The target answered 404 for the client's session (it had forgotten it: a restart, an
   * eviction), and the client did what the MCP spec asks: a new session (initialize), then the
   * same call once more on it. The outcome is that second sending's; absent when nothing of the
   * kind happened.
   */
  reinitialized: z.literal(true).optional(),
});
export type CallRecord = z.infer<typeof callRecord>;

export const faultRecord = z.object({
  type: z.literal('fault'),
  fault: z.string(),
  /**
   * `injecting`/`healing` when the action begins, `inject`/`heal` when it has completed (a kill:
   * once the target has exited), `error` when it failed. Between the two the fault is already
   * taking effect (or wearing off).
   */
  event: z.enum(['injecting', 'inject', 'healing', 'heal', 'error']),
  at: z.number(),
  link: z.string().optional(),
  detail: z.string().optional(),
  /** Figures a check reads back (a backup's recovery point, a restore's duration), by name. */
  data: z.record(z.string(), z.number()).optional(),
});

/**
 * The target instance exited, at the time it did: a crash (out of memory, an uncaught exception,
 * a defect), a kill from outside the harness, or the harness's own kill/restart (`expected`).
 * The environment's own stop at the end of a run is not journaled.
 */
export const targetRecord = z.object({
  type: z.literal('target'),
  event: z.literal('exit'),
  at: z.number(),
  /** Which incarnation exited (local: `pid N`; containers: `<container> start N`). */
  instance: z.string().optional(),
  /** The exit code; null when a signal ended it (local). Containers report a signal death as 128 + n. */
  code: z.number().int().nullable().optional(),
  /** The signal that ended it, where the runtime knows it (local only). */
  signal: z.string().nullable().optional(),
  /** The harness caused it (a kill or restart fault); false for a crash or a kill from outside. */
  expected: z.boolean(),
  /** containers: the engine says the kernel's OOM killer ended it. */
  oomKilled: z.boolean().optional(),
  /** The last lines it printed before it exited, oldest first. */
  logTail: z.array(z.string()),
});
export type TargetRecord = z.infer<typeof targetRecord>;

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
  /** The driver thread's event-loop delay over the window (ms): what starved timers waited. */
  eventLoopMaxMs: z.number().optional(),
  eventLoopP99Ms: z.number().optional(),
});

/** One Toxiproxy proxy as the `toxiproxy` probe read it: whether it is enabled and its toxics. */
export const proxyStateSchema = z.object({
  /** Toxiproxy's proxy name (`target-postgres`). */
  name: z.string(),
  /** The harness link it carries (`target→postgres`), when it is one of the environment's. */
  link: z.string().optional(),
  listen: z.string(),
  upstream: z.string(),
  enabled: z.boolean(),
  toxics: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      stream: z.string(),
      toxicity: z.number(),
      attributes: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type ProxyState = z.infer<typeof proxyStateSchema>;

/**
 * One sample of one probe (`readyz`, `metrics`, `postgres`, `process`, `toxiproxy`, or a
 * user-defined name). `ok: false` means the probe could not read its subject, or the subject said
 * it is unwell (`/readyz` not 200); `detail` then says why.
 */
export const probeRecord = z.object({
  type: z.literal('probe'),
  name: z.string(),
  /** When the sample started. */
  at: z.number(),
  ok: z.boolean(),
  /** How long the sample took. */
  latencyMs: z.number(),
  detail: z.string().optional(),
  /**
   * The sample's numeric readings, keyed by `seriesKey(name, labels)`: `db_pool_waiting`,
   * `pg_connections{application_name="app",state="idle"}`. Finite numbers only.
   */
  values: z.record(z.string(), z.number()).optional(),
  /** The `toxiproxy` probe's view of every proxy (numbers alone cannot say which toxic is on). */
  proxies: z.array(proxyStateSchema).optional(),
});
export type ProbeRecord = z.infer<typeof probeRecord>;

/**
 * The key of one series in a probe record's `values`, in Prometheus' notation so that it reads
 * like the target's own metrics: `name`, or `name{a="x",b="y"}` with labels sorted by name and
 * values escaped as in the text exposition format. Checks build keys with it rather than by hand.
 */
export function seriesKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  const quote = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${name}{${names.map((label) => `${label}="${quote(labels[label] ?? '')}"`).join(',')}}`;
}

export const piiSource = z.enum(['database', 'state', 'logs']);
export type PiiSource = z.infer<typeof piiSource>;

/** What one source of a PII scan covered, or why it could not be read. */
export const piiSourceScan = z.object({
  source: piiSource,
  /** What was searched, in words: `12 columns of 5 tables`, `2 files`, `1234 lines`. */
  scanned: z.string(),
  /** Set when the source could not be searched (in full): the scan is then incomplete. */
  error: z.string().optional(),
});
export type PiiSourceScan = z.infer<typeof piiSourceScan>;

/** One place a plaintext value was found. */
export const piiHit = z.object({
  source: piiSource,
  /** `customers.email`, `audit-spool.jsonl line 3`, `log line 1234`. */
  location: z.string(),
  kind: z.string(),
  /** The record the value belongs to (a customer id). */
  owner: z.string(),
  /** The value masked (first two characters and the length): never the value itself. */
  masked: z.string(),
  /** How many rows (database) or occurrences there were at this location. */
  occurrences: z.number().int(),
});
export type PiiHit = z.infer<typeof piiHit>;

/** State read from the target at the end of the run (through its admin contract). */
export const snapshotRecord = z.discriminatedUnion('name', [
  z.object({
    type: z.literal('snapshot'),
    name: z.literal('tickets'),
    at: z.number(),
    tickets: z.array(
      z.object({ id: z.string(), tenantId: z.string(), customerId: z.string(), idempotencyKey: z.string() }),
    ),
  }),
  /** The billing updates the target applied (update_billing): ids and idempotency keys only. */
  z.object({
    type: z.literal('snapshot'),
    name: z.literal('billing'),
    at: z.number(),
    updates: z.array(
      z.object({ id: z.string(), tenantId: z.string(), customerId: z.string(), idempotencyKey: z.string() }),
    ),
  }),
  /** The target's audit log: one row per audited tool call (no personal data). */
  z.object({
    type: z.literal('snapshot'),
    name: z.literal('audit'),
    at: z.number(),
    audit: z.array(z.object({ correlationId: z.string().nullable(), tool: z.string(), outcome: z.string() })),
  }),
  /**
   * Where the seeded plaintext sensitive values (emails, phones) were found after the run: the
   * target's database, its STATE_DIR files, its logs. Values appear masked only (first two
   * characters and the length), with the record they belong to.
   */
  z.object({
    type: z.literal('snapshot'),
    name: z.literal('piiScan'),
    at: z.number(),
    /** How many distinct values were searched for. */
    values: z.number().int(),
    sources: z.array(piiSourceScan),
    hits: z.array(piiHit),
    /** Hits found, before the list was capped. */
    hitsTotal: z.number().int(),
  }),
]);

export const evidenceSchema = z.object({ correlationId: z.string().optional(), message: z.string() });
export type Evidence = z.infer<typeof evidenceSchema>;

export const verdictStatus = z.enum(['pass', 'fail', 'inconclusive']);
export type VerdictStatus = z.infer<typeof verdictStatus>;

/**
 * How close a check's deciding figure came to its limit (checks with one number to judge by):
 * `headroom` is the distance as a fraction of the limit, negative once the limit was crossed
 * (null when the limit is 0).
 */
export const marginSchema = z.object({
  value: z.number(),
  limit: z.number(),
  unit: z.enum(['ms', 'ratio', 'count', 'bytes']),
  better: z.enum(['lower', 'higher']),
  headroom: z.number().nullable(),
  /** What the figure is, when the check has several (`p(95) of call_duration`). */
  of: z.string().optional(),
});
export type Margin = z.infer<typeof marginSchema>;

export const verdictRecord = z.object({
  type: z.literal('verdict'),
  check: z.string(),
  status: verdictStatus,
  summary: z.string(),
  evidence: z.array(evidenceSchema),
  /** How many evidence items there were before the list was capped. */
  evidenceTotal: z.number().int(),
  margin: marginSchema.optional(),
});

export const endRecord = z.object({
  type: z.literal('end'),
  at: z.number(),
  reason: z.string().optional(),
  /** The digest of the call sequence the driver planned (equal to the header's for a complete open-model run). */
  callSequenceDigest: z.string().optional(),
});

/**
 * What the router in front of the target instances did (where there is one): an instance ejected
 * (its /readyz failed, or a connection was refused) or readmitted, the weights changed (a deploy
 * shifting traffic, a drain), an instance drained (how long it took, what was left in flight).
 */
export const routerRecord = z.object({
  type: z.literal('router'),
  event: z.enum(['ejected', 'readmitted', 'weights', 'drained']),
  at: z.number(),
  instance: z.string().optional(),
  reason: z.string().optional(),
  weights: z.record(z.string(), z.number()).optional(),
  waitedMs: z.number().optional(),
  leftInFlight: z.number().int().optional(),
});

export const journalRecord = z.discriminatedUnion('type', [
  headerRecord,
  datasetRecord,
  phaseRecord,
  callRecord,
  faultRecord,
  targetRecord,
  routerRecord,
  lagRecord,
  probeRecord,
  snapshotRecord,
  verdictRecord,
  endRecord,
]);
export type JournalRecord = z.infer<typeof journalRecord>;
export type RecordType = JournalRecord['type'];
export type RecordOf<T extends RecordType> = Extract<JournalRecord, { type: T }>;
