import { EvidenceList, margin, verdict } from './evidence.ts';
import { clock, num } from './probe-series.ts';
import type { Check } from './types.ts';

export interface GaugeBoundedOptions {
  /** The highest value the series may ever show. */
  max: number;
  /** The probe whose samples carry the series (default `metrics`: the target's /metrics). */
  probe?: string;
}

interface State {
  samples: number;
  peak: { value: number; at: number } | undefined;
  over: EvidenceList;
}

/**
 * One numeric series the probes sample never rises above `max`: a bound the target promises,
 * such as `mcp_sessions_open` at most its session cap. `series` is the key of the probe record's
 * `values` (`seriesKey(name, labels)`: `mcp_sessions_open`, `x{a="b"}`). Inconclusive when no
 * sample carried it: a target that does not export it cannot be judged on it.
 */
export function gaugeBounded(series: string, options: GaugeBoundedOptions): Check<State> {
  const probe = options.probe ?? 'metrics';
  const name = 'gaugeBounded';
  return {
    name,
    needs: ['probe'],
    init: () => ({ samples: 0, peak: undefined, over: new EvidenceList() }),
    update(state, record) {
      if (record.type !== 'probe' || record.name !== probe || !record.ok) return;
      const value = record.values?.[series];
      if (value === undefined) return;
      state.samples++;
      if (state.peak === undefined || value > state.peak.value) state.peak = { value, at: record.at };
      if (value > options.max) {
        state.over.add({ message: `${clock(record.at)}: ${series} ${num(value)} > ${num(options.max)}` });
      }
    },
    finish(state) {
      const peak = state.peak;
      if (peak === undefined) {
        return verdict(
          name,
          'inconclusive',
          `No ${probe} probe sample carried ${series}: the target does not export it, or the probe never read it.`,
        );
      }
      const figures = `peak ${num(peak.value)} at ${clock(peak.at)}, ${state.samples} samples`;
      if (state.over.total > 0) {
        return verdict(
          name,
          'fail',
          `${series} rose above ${num(options.max)} in ${state.over.total} of ${state.samples} samples (${figures}).`,
          state.over,
          margin(peak.value, options.max, 'count', 'lower', `peak of ${series}`),
        );
      }
      return verdict(
        name,
        'pass',
        `${series} stayed at most ${num(options.max)} (${figures}).`,
        undefined,
        margin(peak.value, options.max, 'count', 'lower', `peak of ${series}`),
      );
    },
  };
}
