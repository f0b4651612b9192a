export { judgeDefect, judgeGoodBuild, runSelfTests, type SelfTestOptions, selfTestExitCode } from './run.ts';
export { formatSelfTest } from './table.ts';
export type { DefectResult, GoodBuildResult, SelfTestCase, SelfTestReport } from './types.ts';
