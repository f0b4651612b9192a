import type { Evidence, VerdictStatus } from '../checks/index.ts';
import type { ScenarioDefinition } from '../scenario/index.ts';
import type { TargetDefinition } from '../target/definition.ts';

/** One row of the detection table: this broken build must make this scenario fail on this check. */
export interface SelfTestCase {
  /** The defect's name, as the target knows it (the reference server's DEFECT setting). */
  defect: string;
  scenario: ScenarioDefinition;
  /** The check named for the defect: the one that must fail. */
  check: string;
  /** The broken build; the good build is `goodTarget` of the self-test run. */
  target: TargetDefinition;
}

/** What became of one defect. */
export interface DefectResult {
  defect: string;
  scenario: string;
  check: string;
  /** The named check failed with evidence. */
  caught: boolean;
  /** The named check's verdict (missing: the run never got to judge it). */
  status: VerdictStatus | 'missing';
  summary: string;
  evidence: Evidence[];
  /** Every check that failed in that run (the named one and any other). */
  failedChecks: string[];
  journalPath: string;
}

/** What became of one scenario on the good build: it must pass. */
export interface GoodBuildResult {
  scenario: string;
  status: VerdictStatus;
  /** The checks that did not pass, with their summaries. */
  notPassed: { check: string; status: VerdictStatus; summary: string }[];
  journalPath: string;
}

export interface SelfTestReport {
  runtime: string;
  seed: number;
  defects: DefectResult[];
  goodBuild: GoodBuildResult[];
  /** 0: every defect caught and the good build passed; 1: a defect escaped or the good build failed; 2: inconclusive. */
  exitCode: 0 | 1 | 2;
}
