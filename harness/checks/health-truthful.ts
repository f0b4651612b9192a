import type { RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import { clock, DB_LINK } from './probe-series.ts';
import type { Check } from './types.ts';

type FaultRecord = RecordOf<'fault'>;

export interface HealthTruthfulOptions {
  /**
   * Which faults make the dependency unavailable. Default `postgresOutage`: PostgreSQL
   * restarted, stopped or paused, or the `target→postgres` link black-holed, timed out or down
   * for every connection. Latency, bandwidth and the like leave it reachable: /readyz may stay ok.
   */
  dependency?: (fault: FaultRecord) => boolean;
  /** /readyz must answer not-ready this soon after the inject. Default 3000 ms. */
  degradedWithin?: number;
  /** /readyz must answer ready again this soon after the heal. Default 10000 ms. */
  readyWithin?: number;
}

const NAME = 'healthTruthful';

const SERVER_FAULTS = new Set(['restart', 'stop', 'pause']);
const LINK_FAULTS = new Set(['blackhole', 'timeout', 'down']);

/**
 * The default `dependency`: the fault names harness/faults journals — `restart(postgres)`,
 * `stop(postgres)`, `pause(postgres)`, and on the `target→postgres` link `blackhole(…)`,
 * `down(…)` and `timeout(…)` unless it acts on only a share of connections (`, toxicity 0.5`).
 */
export function postgresOutage(fault: FaultRecord): boolean {
  const open = fault.fault.indexOf('(');
  const kind = open < 0 ? fault.fault : fault.fault.slice(0, open);
  if (fault.link === DB_LINK) return LINK_FAULTS.has(kind) && !fault.fault.includes('toxicity');
  return fault.link === undefined && SERVER_FAULTS.has(kind) && fault.fault.startsWith(`${kind}(postgres`);
}

/** One outage: a qualifying fault's inject, its heal, and what /readyz said meanwhile and after. */
interface Outage {
  fault: string;
  inject: number;
  heal: number | undefined;
  /** Samples that started in [inject, inject + degradedWithin]. */
  inWindow: number;
  /** Samples that started during the outage (inject to heal), and how many of them said ok. */
  during: number;
  okDuring: number;
  firstNotReady: number | undefined;
  /** First ok sample that started at or after the heal, and the last sample after the heal. */
  readyAgain: number | undefined;
  lastAfterHeal: number | undefined;
}

interface State {
  outages: Outage[];
  samples: number;
  lastSample: number | undefined;
}

/**
 * /readyz tells the truth about the target's dependency: after a fault that makes PostgreSQL
 * unreachable, the `readyz` probe reports not-ready within `degradedWithin` of the inject, and
 * ready again within `readyWithin` of the heal. Faults healed within `degradedWithin` are
 * skipped (too short to demand it), and so is the ready-again part of a heal while another such
 * fault is still on. Fails on a /readyz that stayed ok through an outage (the "/readyz always
 * ok" defect), with the fault's window as evidence.
 *
 * Memory: one small record per qualifying fault, none per sample. Samples of one probe arrive in
 * the order they started (the sampler runs one at a time per probe), so a sample that started
 * after a heal means every sample of the outage has been seen.
 */
export function healthTruthful(options: HealthTruthfulOptions = {}): Check<State> {
  const { dependency = postgresOutage, degradedWithin = 3000, readyWithin = 10_000 } = options;

  return {
    name: NAME,
    needs: ['fault', 'probe'],
    init: () => ({ outages: [], samples: 0, lastSample: undefined }),
    update(state, record) {
      if (record.type === 'fault') {
        if (!dependency(record)) return;
        if (record.event === 'inject') {
          state.outages.push({
            fault: record.fault,
            inject: record.at,
            heal: undefined,
            inWindow: 0,
            during: 0,
            okDuring: 0,
            firstNotReady: undefined,
            readyAgain: undefined,
            lastAfterHeal: undefined,
          });
        } else if (record.event === 'heal') {
          const open = state.outages.findLast((o) => o.fault === record.fault && o.heal === undefined);
          if (open) open.heal = record.at;
        }
        return;
      }
      if (record.type !== 'probe' || record.name !== 'readyz') return;
      const { at, ok } = record;
      state.samples++;
      state.lastSample = Math.max(state.lastSample ?? at, at);
      for (const o of state.outages) {
        if (at < o.inject) continue;
        if (at <= o.inject + degradedWithin) o.inWindow++;
        if (o.heal === undefined || at < o.heal) {
          o.during++;
          if (ok) o.okDuring++;
          else o.firstNotReady ??= at;
        } else {
          o.lastAfterHeal = at;
          if (ok) o.readyAgain ??= at;
        }
      }
    },
    finish(state) {
      if (state.samples === 0) {
        return verdict(NAME, 'inconclusive', 'No readyz probe samples, so /readyz could not be judged.');
      }
      const failures = new EvidenceList();
      let judged = 0;
      let short = 0;
      let unseen = 0;
      let worstDegraded: number | undefined;
      let worstReady: number | undefined;
      let readyJudged = 0;
      let failed = 0;
      for (const o of state.outages) {
        const end = o.heal ?? state.lastSample ?? o.inject;
        const window = `${o.fault} from ${clock(o.inject)} to ${o.heal === undefined ? 'the end (never healed)' : clock(o.heal)} (${ms(end - o.inject)})`;
        if (end - o.inject < degradedWithin) {
          short++;
          continue;
        }
        if (o.inWindow === 0) {
          unseen++;
          continue;
        }
        judged++;
        const before = failures.total;
        const degradedAfter = o.firstNotReady === undefined ? undefined : o.firstNotReady - o.inject;
        if (degradedAfter === undefined) {
          failures.add({
            message: `${window}: /readyz said ready in all ${plural(o.during, 'sample')} of the outage`,
          });
        } else if (degradedAfter > degradedWithin) {
          failures.add({
            message: `${window}: /readyz said not-ready only ${ms(degradedAfter)} after the inject (limit ${ms(degradedWithin)})`,
          });
        } else {
          worstDegraded = Math.max(worstDegraded ?? degradedAfter, degradedAfter);
        }
        // Ready again: only once the dependency is back, i.e. no other outage still on at the heal.
        const heal = o.heal;
        const stillOut =
          heal === undefined ||
          state.outages.some(
            (other) => other !== o && other.inject <= heal && (other.heal === undefined || other.heal > heal),
          );
        if (!stillOut && o.readyAgain !== undefined) {
          readyJudged++;
          const after = o.readyAgain - heal;
          if (after > readyWithin) {
            failures.add({
              message: `${window}: /readyz said ready again only ${ms(after)} after the heal (limit ${ms(readyWithin)})`,
            });
          } else {
            worstReady = Math.max(worstReady ?? after, after);
          }
        } else if (!stillOut && o.lastAfterHeal !== undefined && o.lastAfterHeal > heal + readyWithin) {
          readyJudged++;
          failures.add({
            message: `${window}: /readyz still said not-ready ${ms(o.lastAfterHeal - heal)} after the heal (limit ${ms(readyWithin)})`,
          });
        }
        if (failures.total > before) failed++;
      }
      const notes: string[] = [];
      if (short > 0) notes.push(`${plural(short, 'outage')} healed within ${ms(degradedWithin)} skipped`);
      if (unseen > 0)
        notes.push(`${plural(unseen, 'outage')} without a readyz sample in its first ${ms(degradedWithin)}`);
      const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      if (failures.total > 0) {
        const summary = `/readyz did not tell the truth in ${count(failed)} of ${plural(judged, 'PostgreSQL outage')}${tail}.`;
        return verdict(NAME, 'fail', summary, failures);
      }
      if (judged === 0) {
        const why =
          state.outages.length === 0
            ? 'No fault made PostgreSQL unreachable'
            : 'No PostgreSQL outage lasted long enough and had readyz samples';
        return verdict(NAME, 'inconclusive', `${why}, so /readyz could not be judged${tail}.`);
      }
      const degraded =
        worstDegraded === undefined
          ? ''
          : `: not-ready ${ms(worstDegraded)} after the inject at worst (limit ${ms(degradedWithin)}, margin ${ms(degradedWithin - worstDegraded)})`;
      const ready =
        worstReady === undefined
          ? '; ready again after the heal not judged'
          : `, ready again ${ms(worstReady)} after the heal at worst (limit ${ms(readyWithin)}, margin ${ms(readyWithin - worstReady)})`;
      const readyCount =
        readyJudged > 0 && readyJudged < judged ? ` (ready again judged for ${readyJudged})` : '';
      return verdict(
        NAME,
        'pass',
        `/readyz told the truth through ${plural(judged, 'PostgreSQL outage')}${degraded}${ready}${readyCount}${tail}.`,
      );
    },
  };
}
