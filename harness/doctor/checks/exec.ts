import { execFile } from 'node:child_process';

export interface ExecOutcome {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** The program is not installed (ENOENT), as opposed to it failing. */
  notFound: boolean;
}

/** Runs a probe command; never rejects (a doctor reports failures, it does not throw them). */
export function probe(
  file: string,
  args: string[],
  options: { timeoutMs?: number; uid?: number; gid?: number } = {},
): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 10_000, uid: options.uid, gid: options.gid, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({
          ok: error === null,
          stdout: String(stdout ?? '').trim(),
          stderr: String(stderr || error?.message || '').trim(),
          notFound: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT',
        });
      },
    );
  });
}

/** The first line of a tool's complaint, for a one-line detail. */
export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? '';
}
