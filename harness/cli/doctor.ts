import { formatDoctor, runDoctor } from '../doctor/index.ts';
import { useColor } from './summary.ts';

/** `mcp-chaos doctor`: what can run here, what is missing, the fix for each. Exit 0 when local can run. */
export async function doctor(options: { json: boolean }): Promise<number> {
  const report = await runDoctor();
  process.stdout.write(
    options.json ? `${JSON.stringify(report)}\n` : formatDoctor(report, { color: useColor(process.stdout) }),
  );
  return report.exitCode;
}
