import { Writable } from 'node:stream';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import { decodeEvent } from '../../scenario/progress-events.ts';
import type { ProgressDisplay } from './display.ts';

/** Errors a scenario ends with by design: its verdicts, which the end summary shows. */
const VERDICT_ERRORS = new Set(['ScenarioFailed', 'ScenarioInconclusive']);

/**
 * vitest's reporter for `mcp-chaos run`, in place of vitest's own: the scenarios' progress events
 * (console lines from the workers) go to the display; anything else a scenario logs, and errors
 * that are not verdicts (a scenario file that does not load, a crash), are printed as lines. The
 * verdicts themselves are left to the end summary.
 */
export class ProgressReporter implements Reporter {
  readonly #display: ProgressDisplay;

  constructor(display: ProgressDisplay) {
    this.#display = display;
  }

  onUserConsoleLog(log: { content: string }): void {
    for (const line of log.content.replace(/\n$/, '').split('\n')) {
      const event = decodeEvent(line);
      if (event) this.#display.event(event);
      else this.#display.line(line);
    }
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state !== 'failed') return;
    for (const error of result.errors ?? []) {
      if (error.name && VERDICT_ERRORS.has(error.name)) continue;
      this.#display.line(`mcp-chaos: ${testCase.name} stopped on an error: ${describe(error)}`);
    }
  }

  onTestModuleEnd(testModule: TestModule): void {
    for (const error of testModule.errors()) {
      this.#display.line(`mcp-chaos: ${testModule.moduleId} could not run: ${describe(error)}`);
    }
  }

  onTestRunEnd(_modules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): void {
    for (const error of unhandledErrors) this.#display.line(`mcp-chaos: unhandled error: ${describe(error)}`);
  }
}

function describe(error: { message?: string; stack?: string }): string {
  return error.stack ?? error.message ?? String(error);
}

/**
 * A stream for vitest's own output and the workers' stdout/stderr (vitest pipes them into it):
 * whole lines to the display, so that they never cut through a status line.
 */
export function displayStream(display: ProgressDisplay): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += String(chunk);
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) display.line(line);
      callback();
    },
    final(callback) {
      if (pending !== '') display.line(pending);
      pending = '';
      callback();
    },
  });
}
