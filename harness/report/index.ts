// The report's public face: built from a journal and verdicts only, never from a running environment.
export { buildReport, buildReportFrom, OUTSIDE_PHASES, reportFromJournal } from './build.ts';
export * from './comparison.ts';
export { compareReports, comparisonLabel, comparisonOf, toleranceWithRatio } from './diff.ts';
export { ScenarioReportFold } from './fold.ts';
export { findChromium, toHtml } from './html/index.ts';
export { toJUnit } from './junit.ts';
export { scenarioLabel } from './label.ts';
export {
  byScenario,
  journalsUnder,
  loadRunReport,
  parseRunReport,
  readSelfTest,
  renderRunReport,
  scenarioReportsUnder,
} from './load.ts';
export * from './schema.ts';
export { CallSequenceDigest } from './sequence-digest.ts';
export { callStats, percentile, toCallStats } from './stats.ts';
export { toMarkdown } from './summary-md.ts';
export { buildRunReport, type RunReportOptions, writeReport } from './write.ts';
