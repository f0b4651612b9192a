import { describe, expect, it } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import { encodeEvent } from '../../scenario/progress-events.ts';
import { ProgressDisplay } from './display.ts';
import { displayStream, ProgressReporter } from './reporter.ts';

function setup() {
  const writes: string[] = [];
  const display = new ProgressDisplay({ write: (t: string) => writes.push(t) }, 'milestones');
  return { writes, display, reporter: new ProgressReporter(display) };
}

describe('ProgressReporter', () => {
  it('renders the events among a worker console output and prints the other lines as they are', () => {
    const { writes, reporter } = setup();
    const start = encodeEvent({ type: 'start', scenario: 's', at: 0, phases: [] });
    const calls = encodeEvent({ type: 'calls', scenario: 's', at: 1, from: 0, calls: 3, failed: 0 });
    reporter.onUserConsoleLog({ content: `${start}\nsomething the scenario logged\n${calls}\n` });
    expect(writes).toEqual(['[mcp-chaos] s: started\n', 'something the scenario logged\n']);
  });

  it('prints errors that are not verdicts, and leaves the verdicts to the summary', () => {
    const { writes, reporter } = setup();
    const failed = (name: string) =>
      ({
        name: 's',
        result: () => ({
          state: 'failed',
          errors: [{ name, message: `${name} happened`, stack: `${name}: at x` }],
        }),
      }) as unknown as TestCase;
    reporter.onTestCaseResult(failed('ScenarioFailed'));
    reporter.onTestCaseResult(failed('ScenarioInconclusive'));
    expect(writes).toEqual([]);
    reporter.onTestCaseResult(failed('TypeError'));
    expect(writes).toEqual(['mcp-chaos: s stopped on an error: TypeError: at x\n']);
    reporter.onTestModuleEnd({
      moduleId: '/x/bad.scenario.ts',
      errors: () => [{ message: 'SyntaxError' }],
    } as unknown as TestModule);
    expect(writes.at(-1)).toBe('mcp-chaos: /x/bad.scenario.ts could not run: SyntaxError\n');
  });
});

describe('displayStream', () => {
  it('passes whole lines on, however the chunks cut them, and the rest at the end', async () => {
    const { writes, display } = setup();
    const stream = displayStream(display);
    stream.write('one\ntw');
    stream.write('o\nthr');
    expect(writes).toEqual(['one\n', 'two\n']);
    await new Promise<void>((resolve) => stream.end('ee', resolve));
    expect(writes).toEqual(['one\n', 'two\n', 'three\n']);
  });
});
