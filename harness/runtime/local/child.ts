import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';

/** A child process with its recent output kept for error messages and a staged, idempotent stop. */
export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  #tail: string[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();
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
    // Per stream: a line (or a character) split across two chunks is joined before anyone sees it.
    const keep = (stream: NodeJS.ReadableStream | null) => {
      const decoder = new StringDecoder('utf8');
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const pieces = (partial + decoder.write(chunk)).split('\n');
        partial = pieces.pop() ?? '';
        for (const line of pieces) this.#keep(line);
      });
      stream?.on('end', () => this.#keep(partial + decoder.end()));
    };
    keep(this.process.stdout);
    keep(this.process.stderr);
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

  #keep(line: string): void {
    if (line.trim() === '') return;
    this.#tail.push(line);
    if (this.#tail.length > 300) this.#tail.shift();
    for (const listener of this.#lineListeners) listener(line);
  }

  /** Calls `listener` with every line printed from now on (all of them, not only the tail kept). */
  onLine(listener: (line: string) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exited(): boolean {
    return this.#exited || this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** The lines kept (the last 300). */
  lines(): string[] {
    return [...this.#tail];
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
