import { EvidenceList, verdict } from './evidence.ts';
import { count, ms } from './format.ts';
import type { Check } from './types.ts';

export interface DriverHealthyOptions {
  /** Worst scheduling lag tolerated in any window (ms). */
  maxLagMs?: number;
  /** Share of scheduled calls the driver may drop (all sessions busy). */
  maxDroppedRatio?: number;
}

interface State {
  windows: number;
  scheduled: number;
  dropped: number;
  worstLag: number;
  late: EvidenceList;
}

/**
 * The harness's own health, not the target's: a driver that started calls late or dropped them
 * could not establish the load the scenario asked for, so the run is inconclusive (never fail).
 * On a 2-core machine a starved driver must not pass its own delay off as the target's.
 */
export function driverHealthy({
  maxLagMs = 1000,
  maxDroppedRatio = 0.01,
}: DriverHealthyOptions = {}): Check<State> {
  return {
    name: 'driverHealthy',
    needs: ['lag'],
    init: () => ({ windows: 0, scheduled: 0, dropped: 0, worstLag: 0, late: new EvidenceList() }),
    update(state, record) {
      if (record.type !== 'lag') return;
      state.windows++;
      state.scheduled += record.scheduled;
      state.dropped += record.dropped;
      state.worstLag = Math.max(state.worstLag, record.maxLagMs);
      if (record.maxLagMs > maxLagMs) {
        const at = new Date(record.from).toISOString();
        const loop =
          record.eventLoopMaxMs !== undefined
            ? ` (the driver's event loop stalled up to ${ms(record.eventLoopMaxMs)})`
            : '';
        state.late.add({ message: `window from ${at}: a call started ${ms(record.maxLagMs)} late${loop}` });
      }
    },
    finish({ windows, scheduled, dropped, worstLag, late }) {
      if (windows === 0)
        return verdict('driverHealthy', 'inconclusive', 'The driver recorded no lag windows.');
      const droppedRatio = scheduled > 0 ? dropped / scheduled : 0;
      const figures = `${count(scheduled)} calls scheduled, ${count(dropped)} dropped, worst lag ${ms(worstLag)}`;
      if (droppedRatio > maxDroppedRatio || late.total > 0) {
        const limits = `budget: ${ms(maxLagMs)} lag, ${(maxDroppedRatio * 100).toFixed(1)}% dropped`;
        return verdict(
          'driverHealthy',
          'inconclusive',
          `The load driver fell behind (${figures}; ${limits}).`,
          late,
        );
      }
      return verdict('driverHealthy', 'pass', `The load driver kept its schedule (${figures}).`);
    },
  };
}
