import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../../load/index.ts';
import type { Router } from '../../router/index.ts';
import type { StartedEnvironment } from '../../runtime/environment.ts';
import type { TargetInstance } from '../../runtime/instances.ts';
import type { TargetDefinition } from '../../target/definition.ts';
import type { DeployGuard } from './guard.ts';

export type DeployStrategy = 'blue-green' | 'canary' | 'rolling';

/** How a rollout went: what the journal's deploy events carry. */
export interface RolloutOutcome {
  /** The new build's instances never became ready: no traffic was shifted. */
  aborted?: string;
  /** The guard's breach that rolled the deploy back. */
  breach?: string;
  /** When the new build first got traffic, and when it lost it again on a rollback (epoch ms). */
  shiftedAt?: number;
  rolledBackAt?: number;
  /** The instances now serving. */
  serving: string[];
  /** The old instances kept (weight 0) for a rollback at heal. */
  kept: TargetInstance[];
  /** The new build's instances. */
  fresh: TargetInstance[];
  steps: string[];
}

interface Plan {
  env: StartedEnvironment;
  router: Router;
  build: TargetDefinition;
  strategy: DeployStrategy;
  guard: DeployGuard;
  /** Share of calls the canary takes first (0 < share < 1). */
  canaryShare: number;
  drainTimeoutMs: number;
  /** Keep the old instances at weight 0 (a rollback is planned at heal). */
  keepOld: boolean;
}

/**
 * Moves traffic from the running instances to new ones of `build` through the router, watching
 * the guard after each step; a breach moves it back to the old instances (which are kept until
 * the new build has passed its last watch) and removes the new ones.
 *
 * blue-green: as many new instances as old, ready before any traffic, then all traffic at once.
 * canary: one new instance with `canaryShare` of the calls, then the rest as blue-green.
 * rolling: one new instance at a time takes an old one's place, the old one drained and stopped.
 *
 * The new build runs its schema migrations as it starts (the expand step: the reference server's
 * are additive only), before it is ready, so the old build keeps working on the same schema.
 */
export async function rollout(plan: Plan): Promise<RolloutOutcome> {
  const { env, router, strategy } = plan;
  const old = [...env.instances];
  const outcome: RolloutOutcome = { serving: old.map((i) => i.id), kept: [], fresh: [], steps: [] };
  const start = async (count: number): Promise<boolean> => {
    // Settled, all of them: one that did start is the deploy's to stop again on a rollback.
    const results = await Promise.allSettled(
      Array.from({ length: count }, () => env.addInstance({ build: plan.build, weight: 0 })),
    );
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    outcome.fresh.push(...started);
    if (started.length > 0) outcome.steps.push(`started ${started.map((i) => i.id).join(', ')}`);
    const failed = results.find((r) => r.status === 'rejected');
    if (!failed) return true;
    outcome.aborted = `the new build's instance did not become ready: ${firstLine((failed as PromiseRejectedResult).reason)}`;
    outcome.steps.push(outcome.shiftedAt === undefined ? 'aborted before any traffic' : 'aborted');
    return false;
  };
  const shift = (weights: Record<string, number>, what: string) => {
    router.setWeights(weights);
    outcome.shiftedAt ??= now();
    outcome.steps.push(what);
  };

  if (strategy === 'rolling') {
    for (const [i, instance] of old.entries()) {
      if (!(await start(1))) break;
      const fresh = outcome.fresh.at(-1) as TargetInstance;
      shift({ [fresh.id]: 1 }, `${fresh.id} takes traffic beside the old build`);
      if (await watched(plan, outcome)) break;
      await env.removeInstance(instance.id, { drainTimeoutMs: plan.drainTimeoutMs });
      outcome.steps.push(`${instance.id} drained and stopped (${i + 1}/${old.length})`);
    }
    if (outcome.aborted || outcome.breach) await rollBackRolling(plan, outcome, old);
  } else {
    let ok = true;
    if (strategy === 'canary') {
      ok = await start(1);
      if (ok) {
        const canary = outcome.fresh[0] as TargetInstance;
        const share = plan.canaryShare;
        const weights: Record<string, number> = { [canary.id]: Math.round(share * 100) };
        for (const o of old) weights[o.id] = Math.round(((1 - share) * 100) / old.length);
        shift(weights, `canary ${canary.id} takes ${Math.round(share * 100)}% of the calls`);
        ok = !(await watched(plan, outcome));
      }
    }
    if (ok && (await start(old.length - outcome.fresh.length))) {
      const weights: Record<string, number> = {};
      for (const o of old) weights[o.id] = 0;
      for (const f of outcome.fresh) weights[f.id] = 1;
      shift(weights, `all traffic to ${outcome.fresh.map((f) => f.id).join(', ')}`);
      ok = !(await watched(plan, outcome));
    } else ok = false;
    if (!ok) {
      await rollBack(plan, outcome, old);
    } else if (plan.keepOld) {
      outcome.kept = old;
      outcome.steps.push(`${old.map((o) => o.id).join(', ')} kept at weight 0 for the rollback`);
    } else {
      for (const o of old) await env.removeInstance(o.id, { drainTimeoutMs: plan.drainTimeoutMs });
      outcome.steps.push(`${old.map((o) => o.id).join(', ')} drained and stopped`);
    }
  }
  outcome.serving = env.instances.filter((i) => !outcome.kept.includes(i)).map((i) => i.id);
  return outcome;
}

/**
 * All traffic back to `old` at once, then the new build's instances drained and stopped. Also a
 * deliberate rollback at heal (a rehearsed one: the old build was kept for it).
 */
export async function rollBack(
  plan: Pick<Plan, 'env' | 'router' | 'drainTimeoutMs'>,
  outcome: RolloutOutcome,
  old: readonly TargetInstance[],
): Promise<void> {
  const weights: Record<string, number> = {};
  for (const o of old) weights[o.id] = 1;
  for (const f of outcome.fresh) weights[f.id] = 0;
  plan.router.setWeights(weights);
  if (outcome.shiftedAt !== undefined) outcome.rolledBackAt = now();
  outcome.steps.push(`rolled back: all traffic to ${old.map((o) => o.id).join(', ')}`);
  for (const f of outcome.fresh) {
    if (plan.env.instances.includes(f))
      await plan.env.removeInstance(f.id, { drainTimeoutMs: plan.drainTimeoutMs });
  }
  outcome.kept = [];
}

/** A rolling deploy's rollback: old-build instances started again for those already replaced. */
async function rollBackRolling(
  plan: Plan,
  outcome: RolloutOutcome,
  old: readonly TargetInstance[],
): Promise<void> {
  const still = old.filter((o) => plan.env.instances.includes(o));
  const replaced = old.length - still.length;
  const restored = await Promise.all(
    Array.from({ length: replaced }, () => plan.env.addInstance({ build: old[0]?.definition, weight: 1 })),
  );
  if (replaced > 0)
    outcome.steps.push(`started ${restored.map((r) => r.id).join(', ')} of the old build again`);
  await rollBack(plan, outcome, [...still, ...restored]);
}

/** Watches the guard for its watch time; true (and the breach noted) when it was breached. */
async function watched(plan: Plan, outcome: RolloutOutcome): Promise<boolean> {
  const until = now() + plan.guard.watchMs;
  while (now() < until) {
    await sleep(Math.min(200, Math.max(0, until - now())));
    const breach = plan.guard.breach();
    if (breach) {
      outcome.breach = breach;
      outcome.steps.push(`guard breached: ${breach}`);
      return true;
    }
  }
  return false;
}

/** The error's first line, and the last error line of the logs it carries (why it died). */
function firstLine(error: unknown): string {
  const lines = String(error instanceof Error ? error.message : error).split('\n');
  const cause = lines
    .slice(1)
    .reverse()
    .find((line) => /error|crash|fatal/i.test(line));
  return `${(lines[0] ?? '').replace(/:$/, '')}${cause ? `: ${cause.trim().slice(0, 300)}` : ''}`;
}
