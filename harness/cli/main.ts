import { HarnessError } from '../errors.ts';
import { parseCommand, USAGE } from './args.ts';
import { reportDiff } from './diff.ts';
import { doctor } from './doctor.ts';
import { envDown } from './env-down.ts';
import { envUp } from './env-up.ts';
import { list } from './list.ts';
import { report } from './report.ts';
import { run } from './run.ts';
import { selftest } from './selftest.ts';

/** The CLI: returns the process exit code; harness errors print their message, not a stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    switch (command.kind) {
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case 'run':
        return await run(command.options);
      case 'report':
        return await report(command.options);
      case 'report-diff':
        return await reportDiff(command.options);
      case 'list':
        return await list();
      case 'selftest':
        return await selftest(command.options);
      case 'env-up':
        return await envUp(command.options);
      case 'env-down':
        return await envDown(command.options);
      case 'doctor':
        return await doctor(command.options);
    }
  } catch (error) {
    if (error instanceof HarnessError) {
      process.stderr.write(`mcp-chaos: ${error.code}: ${error.message}\n`);
      return error.code === 'INVALID_ARGUMENT' ? 64 : 2;
    }
    throw error;
  }
}
