import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RuntimeName } from './backend.ts';

export type RuntimeChoice = RuntimeName | 'auto';

/** Whether a Docker engine answers (the CLI is not enough: `docker info` must reach the daemon). */
export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** `auto` picks containers when a Docker engine answers, else local, and says which and why. */
export async function resolveRuntime(choice: RuntimeChoice): Promise<{ runtime: RuntimeName; why: string }> {
  if (choice !== 'auto') return { runtime: choice, why: `--runtime ${choice}` };
  return (await dockerEngineAnswers())
    ? { runtime: 'containers', why: 'auto: a Docker engine answers' }
    : { runtime: 'local', why: 'auto: no Docker engine answers, using embedded processes' };
}
