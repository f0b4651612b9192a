import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/** A child process with its recent output kept for error messages and a staged, idempotent stop. */
export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  #tail: string[] = [];
  #exited = false;
  /** Settles once the process has exited and its output streams have closed (all output kept). */
  readonly closed: Promise<void>;

  constructor(
    name: string,
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number },
  ) {
    this.name = name;
    // Own process group: a terminal's Ctrl-C reaches only the harness, which then stops children in order.
    this.process = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.#tail.push(line);
        if (this.#tail.length > 300) this.#tail.shift();
      }
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.closed = new Promise((resolve) => {
      this.process.once('close', () => resolve());
      this.process.once('error', () => resolve());
    });
    this.process.on('exit', () => {
      this.#exited = true;
    });
    // A spawn failure (ENOENT) surfaces as 'error'; keep it in the tail instead of crashing.
    this.process.on('error', (error) => {
      this.#exited = true;
      this.#tail.push(`[spawn error] ${error.message}`);
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exited(): boolean {
    return this.#exited || this.process.exitCode !== null || this.process.signalCode !== null;
  }

  logs(lines = 40): string {
    return this.#tail.slice(-lines).join('\n');
  }

  /** Send `signal`, and SIGKILL after `graceMs` if it has not exited. Resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const exited = once(this.process, 'exit');
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    timer.unref();
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
