import { HarnessError } from '../errors.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { TargetDefinition } from '../target/definition.ts';
import { DeployGuard, type DeployGuardSpec } from './deploy/guard.ts';
import { type DeployStrategy, type RolloutOutcome, rollBack, rollout } from './deploy/rollout.ts';
import type { FaultContext, Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import { waitReady } from './target-faults.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

export type { DeployGuardSpec } from './deploy/guard.ts';
export type { DeployStrategy } from './deploy/rollout.ts';

const STRATEGIES = ['blue-green', 'canary', 'rolling'] as const;

/** The build a deploy rolls out: the environment's target with another build id and settings. */
export interface DeployBuild {
  /** The build id its instances report on every answer (the reference server's BUILD_ID). */
  buildId: string;
  /** Its settings over the environment's target's (a self-test's broken build: `{ DEFECT: … }`). */
  env?: Record<string, string>;
  /** containers: its image (default the environment's target image). */
  image?: string;
}

export interface DeployOptions extends Pick<Timing, 'afterMs'> {
  strategy: DeployStrategy;
  /** What rolls the deploy back automatically while the new build takes traffic. */
  guard?: DeployGuardSpec;
  /** canary: the share of calls the canary takes first (default 0.1). */
  canaryShare?: number;
  /** How long an old instance may take to finish its calls before it is stopped (default 10 s). */
  drainTimeoutMs?: number;
  /** Roll back on purpose at heal (the old instances wait at weight 0 until then). */
  rollbackAtHeal?: boolean;
}

function noRouter(fault: string): HarnessError {
  return new HarnessError(
    'INVALID_SCENARIO',
    `Fault.${fault} needs the router: give the scenario \`instances: { count: N }\` (or \`{ count: 1, router: true }\`)`,
  );
}

/** The definition of `build` as instances of the environment's target run it. */
function definitionOf(env: StartedEnvironment, build: DeployBuild): TargetDefinition {
  const base = env.targetDefinition;
  return {
    ...base,
    name: `${base.name} (build ${build.buildId})`,
    env: { ...base.env, ...base.deployEnv, ...build.env, BUILD_ID: build.buildId },
    image: build.image ?? base.image,
  };
}

/** The journal's figures of a rollout: the exposure window in calls and milliseconds. */
function summary(
  outcome: RolloutOutcome,
  guard: DeployGuard,
): { detail: string; data: Record<string, number> } {
  const rolledBack = outcome.aborted !== undefined || outcome.breach !== undefined;
  const from = outcome.shiftedAt;
  const to = outcome.rolledBackAt;
  const data: Record<string, number> = {
    rolledBack: rolledBack ? 1 : 0,
    shifted: from === undefined ? 0 : 1,
  };
  if (from !== undefined) data.shiftedAt = from;
  if (rolledBack) {
    // Exposure: what the broken build answered from its first traffic to the rollback.
    data.exposureCalls = from === undefined || to === undefined ? 0 : guard.servedBetween(from, to);
    data.exposureMs = from === undefined || to === undefined ? 0 : Math.round(to - from);
  }
  const how = outcome.aborted
    ? `aborted: ${outcome.aborted}`
    : outcome.breach
      ? `rolled back by the guard after ${data.exposureCalls} call(s) in ${data.exposureMs} ms on the new build`
      : `serving ${outcome.serving.join(', ')}`;
  return { detail: `${how}; steps: ${outcome.steps.join('; ')}`, data };
}

/** Deploys through the router: blue/green, canary and rolling, with an automatic rollback. */
export const deployFaults = {
  /**
   * Every instance restarted in turn behind the router, as a rolling restart does: drained (no
   * new calls; its in-flight ones finish), stopped with SIGTERM, started again, and given its
   * traffic back once /readyz says ready, before the next one. Instant: done when all are back.
   */
  rollingRestart(options: { afterMs?: number; drainTimeoutMs?: number } = {}): FaultSpec {
    checkOptions('rollingRestart', options, ['afterMs', 'drainTimeoutMs']);
    const when = checkTiming('rollingRestart', { afterMs: options.afterMs });
    return {
      name: 'rollingRestart(target)',
      needsRouter: true,
      instant: true,
      ...when,
      async inject(env: StartedEnvironment) {
        const router = env.router;
        if (!router) throw noRouter('rollingRestart');
        const steps: string[] = [];
        for (const instance of env.instances) {
          const weight = router.counts().find((c) => c.id === instance.id)?.weight ?? 1;
          const drained = await router.drain(instance.id, { timeoutMs: options.drainTimeoutMs ?? 10_000 });
          await instance.target.kill('SIGTERM');
          await instance.target.restart();
          await waitReady(instance);
          router.setWeights({ [instance.id]: weight });
          steps.push(
            `${instance.id} (drained in ${Math.round(drained.waitedMs)} ms${drained.leftInFlight > 0 ? `, ${drained.leftInFlight} left in flight` : ''})`,
          );
        }
        return `restarted in turn: ${steps.join(', ')}`;
      },
      async heal() {
        // Nothing to undo: every instance is back.
      },
    };
  },

  /**
   * Rolls out `build` under load through the router (the scenario needs `instances: { count: N }`,
   * or `router: true` with one): the new instances start and migrate (expand) before any traffic,
   * the traffic shifts per `strategy`, the `guard` watches the new build's calls after each step
   * and rolls back on a breach, and the old instances are drained and stopped at the end. The
   * journal's inject event carries the exposure window (`data.exposureCalls`, `exposureMs`) of a
   * rolled-back deploy. Heal does nothing unless `rollbackAtHeal` asks for a deliberate rollback.
   */
  deploy(build: DeployBuild, options: DeployOptions): FaultSpec {
    checkOptions('deploy', options, [
      'strategy',
      'guard',
      'canaryShare',
      'drainTimeoutMs',
      'rollbackAtHeal',
      'afterMs',
    ]);
    if (typeof build?.buildId !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(build.buildId)) {
      throw invalid(
        'deploy',
        `build.buildId must be 1-64 letters, digits, dots, dashes or underscores, got ${JSON.stringify(build?.buildId)}`,
      );
    }
    if (!STRATEGIES.includes(options.strategy)) {
      throw invalid(
        'deploy',
        `strategy must be one of ${STRATEGIES.join(', ')}, got ${JSON.stringify(options.strategy)}`,
      );
    }
    const share = options.canaryShare ?? 0.1;
    if (!(share > 0 && share < 1))
      throw invalid('deploy', `canaryShare must be between 0 and 1, got ${share}`);
    const when = checkTiming('deploy', { afterMs: options.afterMs });
    const run = perRun((): { last?: { outcome: RolloutOutcome; guard: DeployGuard } } => ({}));
    return {
      name: `deploy(${build.buildId}, ${options.strategy})`,
      needsRouter: true,
      instant: !options.rollbackAtHeal,
      ...when,
      async inject(env: StartedEnvironment, context: FaultContext = {}) {
        const router = env.router;
        if (!router) throw noRouter('deploy');
        const guard = new DeployGuard(options.guard ?? {}, build.buildId, {
          type: 'dataset',
          ...env.dataset,
        });
        guard.start(context.journal);
        try {
          const outcome = await rollout({
            env,
            router,
            build: definitionOf(env, build),
            strategy: options.strategy,
            guard,
            canaryShare: share,
            drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
            keepOld: options.rollbackAtHeal ?? false,
          });
          run(env).last = { outcome, guard };
          return summary(outcome, guard);
        } finally {
          if (!options.rollbackAtHeal) guard.stop();
        }
      },
      async heal(env: StartedEnvironment) {
        const last = run(env).last;
        if (!options.rollbackAtHeal || !last || !env.router) return;
        const { outcome, guard } = last;
        run(env).last = undefined;
        guard.stop();
        if (outcome.kept.length === 0) return; // rolled back already, or aborted
        await rollBack(
          { env, router: env.router, drainTimeoutMs: options.drainTimeoutMs ?? 10_000 },
          outcome,
          outcome.kept,
        );
      },
    };
  },
};
