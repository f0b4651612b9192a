export { formatDoctor } from './format.ts';
export { type DoctorOptions, doctorReport, runDoctor, verdicts } from './run.ts';
export {
  type CheckResult,
  type CheckStatus,
  checkResultSchema,
  type DoctorReport,
  doctorReportSchema,
  type RuntimeVerdict,
  runtimeVerdictSchema,
} from './schema.ts';
