import { seriesKey } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count } from './format.ts';
import {
  baselineOf,
  clock,
  endOf,
  type GaugeState,
  gaugeAdd,
  gaugeInit,
  gaugePhase,
  num,
  type Sample,
  shapeOf,
  span,
  trendOf,
} from './probe-series.ts';
import type { Check } from './types.ts';

export interface BoundedMemoryOptions {
  /** The resident memory the target may never exceed, in MB (2^20 bytes). Default 512. */
  maxRssMb?: number;
  /**
   * How far above the baseline median the end may sit: the larger of `toleranceMb` and
   * `toleranceRatio` × baseline. Defaults 64 MB and 0.5: a warmed-up V8 heap legitimately keeps
   * tens of MB more than at start (JIT code, caches, a heap that has not shrunk yet).
   */
  toleranceMb?: number;
  toleranceRatio?: number;
  /** How many of the last samples make the end (median). Default 5. */
  endSamples?: number;
  /**
   * Fail on a sustained rise (least-squares slope over the run). Default `'soak'`: on when the
   * journal's header says the run was played with the soak profile, where slow leaks show.
   */
  trend?: boolean | 'soak';
  /** With `trend`: the steepest rise tolerated, in MB per hour. Default 32. */
  maxGrowthMbPerHour?: number;
}

const NAME = 'boundedMemory';
const MB = 1024 * 1024;
const RSS = seriesKey('rss_bytes');
/** The target's own view (prom-client's default metric), used when no `process` probe ran. */
const METRICS_RSS = seriesKey('process_resident_memory_bytes');
/** A fitted rise smaller than this over the whole run is noise, whatever the slope. */
const MIN_TREND_RISE_MB = 16;

interface Source {
  gauge: GaugeState;
  over: EvidenceList;
}

interface State {
  process: Source;
  metrics: Source;
  /** The run was played with the soak profile (its header says so). */
  soak: boolean;
}

/**
 * The target's resident memory (the `process` probe's `rss_bytes`; without that probe, the
 * target's own `process_resident_memory_bytes` from /metrics) stays under `maxRssMb`, and by the
 * end is back near the baseline: the median of the last samples (of the last phase) at most
 * max(toleranceMb, toleranceRatio × baseline) above the first phase's median. With `trend`, a soak
 * run also fails on a sustained rise: a slope above `maxGrowthMbPerHour` that adds up to at
 * least 16 MB over the run.
 */
export function boundedMemory(options: BoundedMemoryOptions = {}): Check<State> {
  const {
    maxRssMb = 512,
    toleranceMb = 64,
    toleranceRatio = 0.5,
    endSamples = 5,
    trend = 'soak',
    maxGrowthMbPerHour = 32,
  } = options;
  const source = (): Source => ({ gauge: gaugeInit(endSamples), over: new EvidenceList() });
  const add = (s: Source, at: number, bytes: number) => {
    const mb = bytes / MB;
    gaugeAdd(s.gauge, at, mb);
    if (mb > maxRssMb) s.over.add({ message: `${clock(at)}: RSS ${mb.toFixed(1)} MB > ${num(maxRssMb)} MB` });
  };

  return {
    name: NAME,
    needs: ['header', 'probe', 'phase'],
    init: () => ({ process: source(), metrics: source(), soak: false }),
    update(state, record) {
      if (record.type === 'header') {
        state.soak = record.config.profile === 'soak';
        return;
      }
      if (record.type === 'phase') {
        gaugePhase(state.process.gauge, record);
        gaugePhase(state.metrics.gauge, record);
        return;
      }
      if (record.type !== 'probe' || !record.ok || record.values === undefined) return;
      const key = record.name === 'process' ? RSS : record.name === 'metrics' ? METRICS_RSS : undefined;
      const bytes = key === undefined ? undefined : record.values[key];
      if (bytes === undefined) return;
      add(record.name === 'process' ? state.process : state.metrics, record.at, bytes);
    },
    finish(state) {
      const fromProcess = state.process.gauge.samples > 0;
      const { gauge, over } = fromProcess ? state.process : state.metrics;
      if (gauge.samples === 0) {
        return verdict(
          NAME,
          'inconclusive',
          'No process probe samples (nor process_resident_memory_bytes), so memory could not be judged.',
        );
      }
      const failures: string[] = [];
      const notes: string[] = fromProcess
        ? []
        : ["read from the target's process_resident_memory_bytes: no process probe ran"];
      const evidence = new EvidenceList();
      const peak = gauge.peak as Sample;
      if (over.total > 0) {
        failures.push(
          `exceeded ${num(maxRssMb)} MB in ${count(over.total)} ${over.total === 1 ? 'sample' : 'samples'} (peak ${peak.value.toFixed(1)} MB)`,
        );
        for (const item of over.items) evidence.add(item);
        evidence.total = over.total;
      } else {
        notes.push(
          `peak ${peak.value.toFixed(1)} MB at ${clock(peak.at)} of ${num(maxRssMb)} MB allowed, margin ${(maxRssMb - peak.value).toFixed(1)} MB`,
        );
      }

      const baseline = baselineOf(gauge);
      const end = endOf(gauge);
      if (baseline && end) {
        const tolerance = Math.max(toleranceMb, toleranceRatio * baseline.median);
        const limit = baseline.median + tolerance;
        const figures = `ended at ${end.median.toFixed(1)} MB (median of the last ${end.samples.length}), baseline ${baseline.median.toFixed(1)} MB, tolerance +${tolerance.toFixed(1)} MB`;
        if (end.median > limit) {
          failures.push(`did not return to baseline: ${figures}`);
          for (const s of end.samples)
            evidence.add({ message: `${clock(s.at)}: RSS ${s.value.toFixed(1)} MB at the end` });
        } else {
          notes.push(`${figures}, margin ${(limit - end.median).toFixed(1)} MB`);
        }
      }

      if (trend === true || (trend === 'soak' && state.soak)) {
        const fit = trendOf(gauge);
        if (fit === undefined) {
          notes.push('too few samples for a trend');
        } else {
          const figures = `${fit.perHour >= 0 ? '+' : ''}${fit.perHour.toFixed(1)} MB/h over ${span(fit.hours)}, limit +${num(maxGrowthMbPerHour)} MB/h`;
          if (fit.perHour > maxGrowthMbPerHour && fit.rise >= MIN_TREND_RISE_MB) {
            failures.push(`rose steadily (${figures}, fitted rise ${fit.rise.toFixed(1)} MB)`);
            for (const s of shapeOf(gauge))
              evidence.add({ message: `${clock(s.at)}: RSS ${s.value.toFixed(1)} MB` });
          } else {
            notes.push(`trend ${figures}`);
          }
        }
      }

      const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      if (failures.length > 0) {
        return verdict(NAME, 'fail', `The target's memory ${failures.join('; ')}${tail}.`, evidence);
      }
      return verdict(NAME, 'pass', `The target's memory stayed bounded${tail}.`);
    },
  };
}
