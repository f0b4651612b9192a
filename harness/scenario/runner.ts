import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeThreshold,
  LiveChecks,
  overallStatus,
  ThresholdWatch,
  thresholdSpec,
  type Verdict,
} from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { type JournalRecord, JournalWriter } from '../journal/index.ts';
import {
  McpSession,
  now,
  parseDuration,
  plannedSequenceDigest,
  resolveWorkload,
  runWorkload,
  type WorkloadSummary,
} from '../load/index.ts';
import { PiiScanCollector } from '../pii/index.ts';
import { type RunningProbes, startProbes } from '../probes/index.ts';
import type { RuntimeName } from '../runtime/backend.ts';
import { Environment, type StartedEnvironment } from '../runtime/environment.ts';
import type { RuntimeChoice } from '../runtime/select.ts';
import { componentVersions, hostInfo } from '../runtime/versions.ts';
import { referenceTarget, type TargetDefinition } from '../target/definition.ts';
import { harnessVersion } from '../version.ts';
import { type ScenarioDefinition, scenarioChecks, timelineMs, validateScenario } from './define.ts';
import { applyLoadFaults } from './load-faults.ts';
import { applyProfile, type ProfileName } from './profile.ts';
import { journalEvents, type ProgressEvent } from './progress-events.ts';
import { journalTargetExits } from './target-exits.ts';
import { TimelinePlayer } from './timeline.ts';

export interface RunOptions {
  runtime?: RuntimeChoice;
  seed?: number;
  /** How long and how hard (default quick: the scenario as written). */
  profile?: ProfileName;
  /** Where the journal and result go: `<reportDir>/<scenario>/`. */
  reportDir?: string;
  target?: TargetDefinition;
  progress?: (message: string) => void;
  /**
   * The same progress, structured (start, start-up steps, phases, faults, calls per second, end):
   * what a live display renders. The CLI sends these from its workers to its terminal.
   */
  onEvent?: (event: ProgressEvent) => void;
  /** Cancels the run (Ctrl-C): faults are healed at once, the environment is stopped, the result is inconclusive. */
  signal?: AbortSignal;
}

export interface ScenarioResult {
  scenario: string;
  description: string;
  target: string;
  runtime: RuntimeName;
  seed: number;
  profile: ProfileName;
  status: Verdict['status'];
  verdicts: Verdict[];
  journalPath: string;
  workload: WorkloadSummary;
  durationMs: number;
}

/** Starts an environment, plays the scenario under load, judges the journal, tears everything down. */
export async function runScenario(
  written: ScenarioDefinition,
  options: RunOptions = {},
): Promise<ScenarioResult> {
  validateScenario(written);
  const profile = options.profile ?? 'quick';
  const scaled = validateScenario(applyProfile(written, profile));
  // Load faults (spike, noisy user) act through the planned call schedule: reproducible.
  const definition = { ...scaled, workload: applyLoadFaults(scaled.workload, scaled.timeline) };
  const seed = options.seed ?? 1;
  const runId = randomUUID().slice(0, 8);
  const base = options.target ?? referenceTarget();
  const target = definition.targetEnv ? { ...base, env: { ...base.env, ...definition.targetEnv } } : base;
  const emit = options.onEvent ?? (() => {});
  const scenario = definition.name;
  const say = options.progress ?? (() => {});
  // A line a log reader needs (a breach, a snapshot that could not be read): text and event alike.
  const progress = (message: string) => {
    say(message);
    emit({ type: 'log', scenario, at: Date.now(), kind: 'note', message });
  };
  emit({
    type: 'start',
    scenario,
    at: Date.now(),
    phases: definition.timeline.map((p) => ({
      name: p.name,
      durationMs: p.durationMs,
      faults: (p.faults ?? []).map((f) => f.name),
    })),
  });
  const dir = join(options.reportDir ?? 'reports', definition.name);
  await mkdir(dir, { recursive: true });
  const workload = resolveWorkload(definition.workload, timelineMs(definition));
  // The checks fold records as they are written, so the journal need not be kept in memory; the
  // driver's records are typed where they are built (the reader validates every line).
  const journal = await JournalWriter.open(join(dir, 'journal.jsonl'), { retain: false, validate: false });
  const checks = scenarioChecks(definition);
  const thresholdsConfig = thresholdSpec(checks);
  const live = LiveChecks.attach(checks, journal);
  const stopEvents = options.onEvent
    ? journalEvents(
        scenario,
        new Map(definition.timeline.map((p) => [p.name, p.durationMs])),
        (listener) => journal.subscribe(listener),
        options.onEvent,
      )
    : undefined;
  // Abort-on-fail thresholds, live: the first breach stops the load and heals the faults.
  const abort = new AbortController();
  let breach: string | undefined;
  const watch = ThresholdWatch.attach(checks, journal, {
    onBreach: (crossed) => {
      breach = crossed.map(describeThreshold).join('; ');
      progress(`${definition.name}: abort-on-fail threshold crossed (${breach}): stopping the load`);
      abort.abort();
    },
  });
  const append = (record: JournalRecord) => {
    journal.append(record);
  };
  const startedAt = Date.now();
  let headerWritten = false;
  const writeHeader = (
    runtime: RuntimeName,
    targetBuild?: string,
    callSequenceDigest?: string,
    components: { toxiproxy?: string; postgres?: string } = {},
  ) => {
    if (headerWritten) return;
    headerWritten = true;
    append({
      type: 'header',
      runId,
      scenario: definition.name,
      seed,
      runtime,
      startedAt,
      versions: {
        harness: harnessVersion(),
        node: process.version,
        ...(targetBuild ? { target: targetBuild } : {}),
        ...components,
      },
      host: hostInfo(),
      config: {
        target: target.name,
        profile,
        workload: definition.workload,
        client: workload.client,
        ...(definition.targetEnv ? { targetEnv: definition.targetEnv } : {}),
        timelineMs: timelineMs(definition),
        ...(workload.peakRate !== undefined ? { peakRate: workload.peakRate } : {}),
        ...(thresholdsConfig ? { thresholds: thresholdsConfig } : {}),
        // The planned call sequence (open models): equal seeds, equal digests.
        ...(callSequenceDigest ? { callSequenceDigest } : {}),
      },
    });
  };
  const finish = async (runtime: RuntimeName, verdicts: Verdict[], workload: WorkloadSummary) => {
    const result: ScenarioResult = {
      scenario: definition.name,
      description: definition.description,
      target: target.name,
      runtime,
      seed,
      profile,
      status: overallStatus(verdicts),
      verdicts,
      journalPath: journal.path,
      workload,
      durationMs: Date.now() - startedAt,
    };
    await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    const line = verdicts.map((v) => `${v.check} ${v.status}`).join(', ');
    say(`${definition.name}: ${result.status} (${line})`);
    stopEvents?.();
    emit({ type: 'end', scenario, at: Date.now(), status: result.status });
    return result;
  };
  let env: StartedEnvironment | undefined;
  let probes: RunningProbes | undefined;
  const sessions: McpSession[] = [];
  try {
    const needsRouter = definition.timeline.some(
      (phase) => phase.faults?.some((f) => f.needsRouter) ?? false,
    );
    env = await new Environment()
      .withRuntime(options.runtime ?? 'auto')
      .withTarget(target)
      .withInstances(definition.instances?.count ?? 1, {
        // A deploy acts through the router: there is one whenever a fault needs it.
        ...(definition.instances?.router !== undefined || needsRouter
          ? { router: (definition.instances?.router ?? false) || needsRouter }
          : {}),
        ...(definition.instances?.affinity !== undefined ? { affinity: definition.instances.affinity } : {}),
      })
      .withSeed(seed)
      .withProgress((message) => {
        say(message);
        emit({ type: 'log', scenario, at: Date.now(), kind: 'step', message });
      })
      .start();
    emit({ type: 'ready', scenario, at: Date.now(), runtime: env.runtime, tookMs: Date.now() - startedAt });
    const version = await env.admin.version().catch(() => undefined);
    const components = await componentVersions({ toxiproxy: env.toxiproxyUrl, postgres: env.postgresUrl });
    const started = env;
    const callers = env.identities.filter((i) => workload.roles.includes(i.role));
    const noisySpec = 'noisy' in definition.workload ? definition.workload.noisy : undefined;
    const noisyIdentity = noisySpec
      ? env.identities.find((i) => i.role === (noisySpec.role ?? 'agent'))
      : undefined;
    if (noisySpec && !noisyIdentity) {
      throw new HarnessError(
        'INVALID_SCENARIO',
        `workload.noisy: the environment has no ${noisySpec.role} identity`,
      );
    }
    const mainIdentities = callers.filter((i) => i !== noisyIdentity);
    if (mainIdentities.length === 0) {
      throw new HarnessError(
        'INVALID_SCENARIO',
        `workload.roles: no identity of role ${workload.roles.join(' or ')} is left to make calls`,
      );
    }
    writeHeader(
      env.runtime,
      version?.buildId,
      plannedSequenceDigest(workload, {
        seed,
        runId,
        dataset: env.dataset,
        identities: mainIdentities,
        ...(noisyIdentity ? { noisy: noisyIdentity } : {}),
      }),
      components,
    );
    append({ type: 'dataset', ...env.dataset });
    // Every exit of the target, the harness's own kills and any crash alike, with its last log lines.
    journalTargetExits(env, append);
    // Where there is a router: what it did (ejections, weight changes, drains), as it did it.
    env.onRouterEvent(({ type, ...event }) => append({ ...event, type: 'router', event: type }));
    // Only when a check reads it: from here on, every line the target logs is searched.
    const pii = checks.some((check) => check.name === 'piiScan')
      ? new PiiScanCollector(env).start()
      : undefined;
    const perIdentity = workload.sessionsPerIdentity(mainIdentities.length);
    const connect = (identity: (typeof callers)[number], count: number) =>
      Promise.all(
        Array.from({ length: count }, () =>
          McpSession.connect(started.mcpUrl, identity, { client: workload.client, churn: workload.churn }),
        ),
      ).then((group) => {
        sessions.push(...group);
        return group;
      });
    const groups: McpSession[][] = [];
    // With worker threads, each thread connects its own sessions for the main stream.
    if (workload.workers === 1) {
      for (const identity of mainIdentities) groups.push(await connect(identity, perIdentity));
    }
    const noisySessions =
      noisySpec && noisyIdentity ? await connect(noisyIdentity, noisySpec.maxInFlight ?? 32) : undefined;
    say(
      workload.workers > 1
        ? `${definition.name}: ${workload.workers} load threads will connect ${perIdentity} sessions for each of ${mainIdentities.length} identities`
        : `${definition.name}: ${sessions.length} MCP sessions (${workload.client} client) for ${groups.length + (noisySessions ? 1 : 0)} identities connected`,
    );
    const timeline = new TimelinePlayer(env, append, journal);
    timeline.current = definition.timeline[0]?.name;
    probes = startProbes(env, append, {
      intervalMs: parseDuration(definition.probes?.interval ?? '500ms'),
      ...(definition.probes?.include ? { probes: definition.probes.include } : {}),
    });
    const load = runWorkload(
      workload,
      timelineMs(definition),
      {
        runId,
        seed,
        dataset: env.dataset,
        sessions: groups,
        append,
        pressure: () => journal.pressure(),
        phase: () => timeline.current,
        signal: abort.signal,
      },
      noisySessions,
      { mcpUrl: env.mcpUrl, identities: mainIdentities },
    );
    for (const phase of definition.timeline) {
      const faults = phase.faults?.map((f) => f.name).join(', ');
      say(`${definition.name}: phase ${phase.name} (${phase.durationMs} ms)${faults ? `: ${faults}` : ''}`);
    }
    const cancel = () => abort.abort();
    options.signal?.addEventListener('abort', cancel, { once: true });
    const played = await timeline.play(definition.timeline, abort.signal).then(
      () => undefined,
      (error: unknown) => {
        abort.abort();
        return error;
      },
    );
    const summary = await load;
    options.signal?.removeEventListener('abort', cancel);
    await probes.stop();
    // A target that crashed (or never came back) has no snapshot to give: the checks that need
    // one say so (inconclusive); every other verdict stands.
    const tickets = await env.admin.tickets().catch((error: unknown) => {
      progress(`${definition.name}: the final tickets snapshot could not be read: ${message(error)}`);
      return undefined;
    });
    if (tickets) append({ type: 'snapshot', name: 'tickets', at: now(), tickets });
    // Only when the mix updates billing: writesExactlyOnce accounts those writes too.
    if ((workload.mix.update_billing ?? 0) > 0) {
      const updates = await env.admin.billingUpdates().catch((error: unknown) => {
        progress(`${definition.name}: the final billing snapshot could not be read: ${message(error)}`);
        return undefined;
      });
      if (updates) append({ type: 'snapshot', name: 'billing', at: now(), updates });
    }
    if (pii) {
      const scan = await pii.finish(now());
      append(scan);
      progress(
        `${definition.name}: PII scan: ${scan.hitsTotal} plaintext hits; ${scan.sources.map((s) => `${s.source} ${s.scanned}`).join(', ')}`,
      );
    }
    // Only when a check reads it: the audit has a row per call, which a long run makes large.
    if (checks.some((check) => check.needs.includes('snapshot') && check.name === 'auditComplete')) {
      const audit = await env.admin.audit().catch((error: unknown) => {
        progress(`${definition.name}: the final audit snapshot could not be read: ${message(error)}`);
        return undefined;
      });
      if (audit) append({ type: 'snapshot', name: 'audit', at: now(), audit });
    }
    const cutShort = options.signal?.aborted
      ? 'the run was cancelled before its timeline ended'
      : played
        ? `the timeline could not be played: ${message(played)}`
        : undefined;
    const verdicts = cutShort ? [...notJudgedAfter(live.finish(), cutShort)] : [...live.finish()];
    if (cutShort) verdicts.push(harnessVerdict(cutShort));
    for (const v of verdicts) append({ type: 'verdict', ...v });
    append({
      type: 'end',
      at: now(),
      callSequenceDigest: summary.sequenceDigest,
      ...(breach ? { reason: `aborted: threshold crossed: ${breach}` } : {}),
    });
    return await finish(env.runtime, verdicts, summary);
  } catch (error) {
    // The harness could not establish the conditions (a dependency did not start, Toxiproxy
    // failed): that is inconclusive, never a verdict on the target.
    const runtime = env?.runtime ?? (options.runtime === 'containers' ? 'containers' : 'local');
    writeHeader(runtime);
    const verdicts = [startVerdict(error)];
    append({ type: 'verdict', ...verdicts[0] } as JournalRecord);
    append({
      type: 'end',
      at: now(),
      reason:
        verdicts[0]?.status === 'fail'
          ? 'the target never became ready'
          : 'the harness could not establish the conditions',
    });
    return await finish(runtime, verdicts, { scheduled: 0, started: 0, dropped: 0, sequenceDigest: '' });
  } finally {
    try {
      watch.detach();
      await probes?.stop().catch(() => undefined);
      await Promise.allSettled(sessions.map((s) => s.close()));
      await env?.stop();
    } finally {
      stopEvents?.();
      await journal.close();
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Checks whose failure is a fact however the run ended: what was seen was seen. */
const FACTS = new Set(['isolation', 'correctAnswers', 'gracefulErrors', 'authorization']);

/**
 * The verdicts of a run cut short: a check judging how the run ended (recovery, connections or
 * memory back to baseline, the final snapshot, an objective over a phase that never finished)
 * cannot fail the target on an end it never saw, so its fail becomes inconclusive and says what
 * it saw; a violation already seen (another tenant's data, a wrong answer) stays a fail.
 */
function notJudgedAfter(verdicts: readonly Verdict[], why: string): Verdict[] {
  return verdicts.map((v) =>
    v.status === 'fail' && !FACTS.has(v.check)
      ? { ...v, status: 'inconclusive', summary: `not judged: ${why} (as it stood: ${v.summary})` }
      : v,
  );
}

/**
 * A target that never became ready fails (that is a verdict on the target, as DESIGN.md says);
 * anything else that stopped the run before it began is the harness's: inconclusive.
 */
function startVerdict(error: unknown): Verdict {
  if (error instanceof HarnessError && error.code === 'TARGET_START') {
    return {
      check: 'targetReady',
      status: 'fail',
      summary: `the target never became ready: ${message(error)}`,
      evidence: [],
      evidenceTotal: 0,
    };
  }
  return harnessVerdict(message(error));
}

function harnessVerdict(summary: string): Verdict {
  return { check: 'harness', status: 'inconclusive', summary, evidence: [], evidenceTotal: 0 };
}
