import { EvidenceList, verdict } from './evidence.ts';
import { plural } from './format.ts';
import { clock } from './probe-series.ts';
import type { Check } from './types.ts';

export interface DeployedOptions {
  /** The build id the deploy rolls out (Fault.deploy's `buildId`). */
  build: string;
  /**
   * How it must end: `none` (default) — the new build serves; `heal` — rolled back on purpose at
   * heal (the old build serves again); `guard` — the guard rolled it back (a broken build).
   */
  rollback?: 'none' | 'heal' | 'guard';
  /**
   * Old and new builds must both have answered (ok) between the new build's first traffic and
   * the rollout's end: a canary or a rolling deploy serves them side by side on one schema.
   */
  bothServed?: boolean;
}

interface State {
  deployName: string | undefined;
  injectingAt: number | undefined;
  shiftedAt: number | undefined;
  /** Ok calls answered during the rollout: when each started, by build (new or old). */
  during: { newBuild: number[]; oldBuild: number[] };
  /** Calls the new build answered before the rollout ended: a rolled-back deploy's exposure. */
  exposed: EvidenceList;
  /** The rollout done (inject), the deliberate rollback done (heal). */
  doneAt: number | undefined;
  healingAt: number | undefined;
  healedAt: number | undefined;
  rolledBack: boolean;
  detail: string | undefined;
  exposureCalls: number | undefined;
  exposureMs: number | undefined;
  oldBuilds: Set<string>;
  /** Ok calls started after the rollout (before a heal), by who answered. */
  afterDeploy: { right: number; wrong: EvidenceList };
  /** Ok calls started after the deliberate rollback. */
  afterHeal: { right: number; wrong: EvidenceList };
}

/**
 * A deploy through the router did what it should, proven by the build id on the answers
 * themselves (the target contract echoes it in every result's `_meta`), not by an endpoint: after
 * the rollout every call is answered by the new build; after a rollback, by the old one again.
 * `rollback: 'guard'` is the deploy guard's own self-test: a broken build must be rolled back,
 * and the verdict reports the exposure window (calls the broken build answered, and for how long).
 */
export function deployed(options: DeployedOptions): Check<State> {
  const name = 'deployed';
  const mode = options.rollback ?? 'none';
  const deployPrefix = `deploy(${options.build},`;
  return {
    name,
    needs: ['fault', 'call'],
    init: () => ({
      deployName: undefined,
      injectingAt: undefined,
      shiftedAt: undefined,
      during: { newBuild: [], oldBuild: [] },
      exposed: new EvidenceList(),
      doneAt: undefined,
      healingAt: undefined,
      healedAt: undefined,
      rolledBack: false,
      detail: undefined,
      exposureCalls: undefined,
      exposureMs: undefined,
      oldBuilds: new Set(),
      afterDeploy: { right: 0, wrong: new EvidenceList() },
      afterHeal: { right: 0, wrong: new EvidenceList() },
    }),
    update(state, record) {
      if (record.type === 'fault') {
        if (!record.fault.startsWith(deployPrefix)) return;
        state.deployName = record.fault;
        if (record.event === 'injecting') state.injectingAt ??= record.at;
        if (record.event === 'inject') {
          state.shiftedAt = record.data?.shiftedAt;
          state.doneAt = record.at;
          state.rolledBack = record.data?.rolledBack === 1;
          state.detail = record.detail;
          state.exposureCalls = record.data?.exposureCalls;
          state.exposureMs = record.data?.exposureMs;
        }
        // Only a deliberate rollback acts at heal (an instant deploy journals an empty heal).
        if (record.event === 'healing' && mode === 'heal') state.healingAt = record.at;
        if (record.event === 'heal' && mode === 'heal') state.healedAt = record.at;
        return;
      }
      if (record.type !== 'call' || record.outcome !== 'ok' || !record.buildId) return;
      if (state.doneAt === undefined) {
        if (record.buildId !== options.build) state.oldBuilds.add(record.buildId);
        else
          state.exposed.add({
            correlationId: record.correlationId,
            message: `${clock(record.actualStart)}: ${record.tool} answered by build ${record.buildId} during the rollout`,
          });
        if (options.bothServed && state.injectingAt !== undefined) {
          (record.buildId === options.build ? state.during.newBuild : state.during.oldBuild).push(
            record.actualStart,
          );
        }
        return;
      }
      if (record.actualStart <= state.doneAt) return; // during the rollout both may answer
      // While the rollback is under way either build may answer.
      if (state.healingAt !== undefined && state.healedAt === undefined) return;
      // A call in flight as the rollback began (sent before, routed after) may be either's too.
      if (
        state.healingAt !== undefined &&
        record.end >= state.healingAt &&
        record.actualStart <= (state.healedAt ?? 0)
      )
        return;
      const afterHeal = state.healedAt !== undefined && record.actualStart > state.healedAt;
      // Which build should answer: the new one after a rollout that stood, else the old one.
      const expectNew = !state.rolledBack && !afterHeal;
      const bucket = afterHeal ? state.afterHeal : state.afterDeploy;
      if ((record.buildId === options.build) === expectNew) bucket.right++;
      else
        bucket.wrong.add({
          correlationId: record.correlationId,
          message: `${clock(record.actualStart)}: ${record.tool} answered by build ${record.buildId}`,
        });
    },
    finish(state) {
      if (state.deployName === undefined || state.doneAt === undefined) {
        return verdict(name, 'inconclusive', `No deploy of build ${options.build} completed in the run.`);
      }
      const wrong = state.afterDeploy.wrong.total + state.afterHeal.wrong.total;
      const evidence = state.afterDeploy.wrong.total > 0 ? state.afterDeploy.wrong : state.afterHeal.wrong;
      const exposure =
        state.exposureCalls !== undefined
          ? `exposure window ${plural(state.exposureCalls, 'call')} in ${((state.exposureMs ?? 0) / 1000).toFixed(1)} s`
          : '';
      if (mode === 'guard') {
        if (!state.rolledBack) {
          return verdict(name, 'fail', `The guard let build ${options.build} stand: ${state.detail ?? ''}`);
        }
        if (wrong > 0) {
          return verdict(
            name,
            'fail',
            `Rolled back (${exposure}), but ${plural(wrong, 'call')} after it still reached build ${options.build}.`,
            evidence,
          );
        }
        return verdict(
          name,
          'pass',
          `The guard rolled build ${options.build} back: ${exposure}; ${plural(state.afterDeploy.right, 'call')} after it answered by the old build. ${state.detail ?? ''}`,
        );
      }
      if (state.rolledBack) {
        // The rollout's own account first, then the calls the new build answered before it ended.
        const why = new EvidenceList();
        why.add({ message: `${state.deployName}: ${state.detail ?? 'rolled back'}` });
        for (const item of state.exposed.items) why.add(item);
        why.total += state.exposed.total - state.exposed.items.length;
        return verdict(
          name,
          'fail',
          `The deploy of build ${options.build} was rolled back (${exposure}): ${state.detail ?? ''}`,
          why,
        );
      }
      if (mode === 'heal' && state.healedAt === undefined) {
        return verdict(
          name,
          'inconclusive',
          `The deliberate rollback of build ${options.build} never completed.`,
        );
      }
      if (state.afterDeploy.right === 0) {
        return verdict(
          name,
          'fail',
          `No call after the deploy was answered by build ${options.build}.`,
          evidence,
        );
      }
      if (wrong > 0) {
        return verdict(
          name,
          'fail',
          `${plural(wrong, 'call')} answered by the wrong build after the ${mode === 'heal' ? 'deploy or its rollback' : 'deploy'} completed.`,
          evidence,
        );
      }
      const old = [...state.oldBuilds].join(', ') || 'the old build';
      let together = '';
      if (options.bothServed) {
        const since = state.shiftedAt ?? state.injectingAt ?? 0;
        const newCalls = state.during.newBuild.filter((t) => t >= since).length;
        const oldCalls = state.during.oldBuild.filter((t) => t >= since).length;
        if (newCalls === 0 || oldCalls === 0) {
          return verdict(
            name,
            'fail',
            `The builds never served side by side: from the first traffic to build ${options.build} to the rollout's end, ${plural(newCalls, 'call')} answered by it and ${plural(oldCalls, 'call')} by ${old}.`,
          );
        }
        together = ` Side by side during the rollout: ${plural(newCalls, 'call')} answered by build ${options.build}, ${oldCalls} by ${old}.`;
      }
      return verdict(
        name,
        'pass',
        mode === 'heal'
          ? `Build ${options.build} answered all ${state.afterDeploy.right} calls after the switch and ${old} all ${state.afterHeal.right} after the rollback.`
          : `Build ${options.build} answered all ${state.afterDeploy.right} calls after the deploy (before it: ${old}).${together}`,
      );
    },
  };
}
