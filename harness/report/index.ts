// The report's public face: built from a journal and verdicts only, never from a running environment.
export { buildReport, OUTSIDE_PHASES } from './build.ts';
export * from './schema.ts';
export { callStats, percentile } from './stats.ts';
export { buildRunReport, writeReport } from './write.ts';
