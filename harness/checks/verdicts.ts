import type { Verdict, VerdictStatus } from './types.ts';

/**
 * fail if any check failed, else inconclusive if any was inconclusive, else pass. No verdicts
 * at all is inconclusive: a run that checked nothing has proven nothing.
 */
export function overallStatus(verdicts: readonly Pick<Verdict, 'status'>[]): VerdictStatus {
  if (verdicts.some((v) => v.status === 'fail')) return 'fail';
  if (verdicts.length === 0 || verdicts.some((v) => v.status === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

/** The process exit code for CI: 1 if any fail, else 2 if any inconclusive, else 0. */
export function exitCode(verdicts: readonly Pick<Verdict, 'status'>[]): 0 | 1 | 2 {
  return statusExitCode(overallStatus(verdicts));
}

export function statusExitCode(status: VerdictStatus): 0 | 1 | 2 {
  return status === 'fail' ? 1 : status === 'inconclusive' ? 2 : 0;
}
