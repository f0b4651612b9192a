import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fault } from '../faults/index.ts';
import { Expect } from '../scenario/index.ts';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** One line per fault of the catalog; a unit test keeps it in step with `Fault`. */
export const FAULT_LINES: Readonly<Record<keyof typeof Fault, string>> = {
  restart: "restart('postgres')                 PostgreSQL shut down (fast) and started again",
  stop: "stop('postgres')                    PostgreSQL down for the fault's duration",
  pause: "pause('postgres')                   every PostgreSQL process frozen (SIGSTOP / docker pause)",
  exhaustConnections:
    "exhaustConnections('postgres')      the harness holds all but `leave` free connections",
  terminateBackends: "terminateBackends('postgres')       pg_terminate_backend for the target's backends",
  latency: 'latency(link, { latencyMs })        each chunk delayed (± jitter), either direction',
  bandwidth: 'bandwidth(link, { kbPerSecond })    throughput capped per connection',
  timeout: 'timeout(link, { timeoutMs })        data swallowed, the connection closed after timeoutMs',
  resetPeer: 'resetPeer(link)                     connections reset (TCP RST)',
  slicer: 'slicer(link, { averageSize })       data cut into small slices, optionally delayed',
  limitData: 'limitData(link, { bytes })          each connection closed after that many bytes',
  slowClose: 'slowClose(link, { delayMs })        closes held back',
  blackhole: 'blackhole(link)                     every packet swallowed, no RST, no FIN',
  down: 'down(link)                          the link disabled: connections refused',
  kill: "kill('target' | 'target-2', { signal }) the target (or one instance) killed, restarted on heal",
  restartTarget: 'restartTarget()                     the target restarted gracefully (instant)',
  deploy:
    'deploy({ buildId }, { strategy, guard }) blue-green/canary/rolling through the router, guarded rollback',
  rollingRestart:
    'rollingRestart()                    each instance drained, restarted, readmitted in turn (instant)',
  spike: 'spike(multiplier)                   the arrival rate multiplied for the fault window',
  noisyUser: 'noisyUser({ rate })                 one user flooding beside the others',
  disableTool:
    "disableTool('create_ticket')        a tool switched off at run time (admin /flags), on on heal",
  backup: "backup('postgres')                  a backup taken under load with the target's backup tool",
  restoreBackup:
    "restoreBackup('postgres')           the database dropped, created empty, restored from the backup",
  upstreamSlow: 'upstreamSlow({ delayMs })           the shipping service (upstream) answers after delayMs',
  upstreamFailing: 'upstreamFailing({ status })         the shipping service answers 5xx (default 503)',
  upstreamHang: 'upstreamHang()                      the shipping service holds every request until healed',
};

/** One line per check of `Expect`; a unit test keeps it in step. */
export const CHECK_LINES: Readonly<Record<string, string>> = {
  noHangs: 'no call takes longer than its limit',
  gracefulErrors: 'errors well formed, stable code, helpful message; no stack, SQL, secret or foreign id',
  recoversWithin: 'calls succeed again within the budget after the last heal',
  correctAnswers: 'answers agree with the seeded data; stale ones marked with a plausible age',
  isolation: "nobody sees another tenant's records",
  authorization:
    'calls the role table forbids refused with FORBIDDEN, never served; allowed ones not refused',
  writesExactlyOnce: 'acknowledged writes exactly once, failed ones at most once',
  slo: 'latency percentiles and error rate per phase, k6-style',
  thresholds: 'k6 thresholds on call_duration, call_service, call_failed, calls',
  boundedConnections: "the target's PostgreSQL connections within its pool max, back to baseline",
  boundedMemory: "the target's RSS under budget and back near baseline",
  healthTruthful: '/readyz degrades during a dependency outage and recovers after it',
  metricsHonest: "the target's /metrics agree with the journal and pg_stat_activity",
  targetStayedUp: 'the target never exited on its own (a crash is a finding)',
  driverHealthy: 'the load driver kept its schedule (else the run is inconclusive)',
  boundedByInFlight: 'one of several instances killed: only the calls it had in flight fail',
  deployed: 'a deploy took over (or was rolled back), proven by the build id on the answers',
  drainsInFlight: 'on SIGTERM the calls in flight are answered, then the target exits 0 in time',
  auditComplete: "every call in the target's audit log exactly once (spooled through outages)",
  degradesAndRecovers: 'answers degraded (not failed) while the upstream is away, full again after heal',
  gaugeBounded: 'a sampled series (e.g. mcp_sessions_open) never above its bound',
  piiScan: 'no seeded plaintext email/phone in any column of the database, STATE_DIR or the logs',
  shedsExcess: 'under overload only fast sheds fail (retry-after given); served p99 within N x baseline',
  restoredFromBackup:
    'after a restore, every write acknowledged before the recovery point there exactly once; the loss window reported',
};

/** `mcp-chaos list`: scenarios, faults and checks, one line each. */
export async function list(write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { builtInScenarios } = (await import(join(projectRoot, 'scenarios', 'definitions', 'index.ts'))) as {
    builtInScenarios: { name: string; description: string }[];
  };
  const width = Math.max(...builtInScenarios.map((s) => s.name.length));
  const lines = [
    'Scenarios (mcp-chaos run NAME…):',
    ...builtInScenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`),
    '',
    'Faults (Fault.…, in a phase):',
    ...Object.keys(Fault).map((k) => `  ${FAULT_LINES[k as keyof typeof Fault] ?? k}`),
    '',
    'Checks (Expect.…):',
    ...Object.keys(Expect).map((k) => `  ${k.padEnd(19)} ${CHECK_LINES[k] ?? ''}`),
    '',
  ];
  write(lines.join('\n'));
  return 0;
}
