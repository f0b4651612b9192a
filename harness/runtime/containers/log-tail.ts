/**
 * Keeps the last lines a container printed, so `StartedTarget.logs()` can answer synchronously
 * (for error messages). Re-attach after each (re)start: a follow stream ends with the container.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';

export class LogTail {
  readonly #client: ContainerRuntimeClient;
  readonly #id: string;
  readonly #maxLines: number;
  readonly #lines: string[] = [];
  #partial = '';
  readonly #listeners = new Set<(line: string) => void>();
  #stream: Readable | undefined;

  constructor(client: ContainerRuntimeClient, id: string, maxLines = 50) {
    this.#client = client;
    this.#id = id;
    this.#maxLines = maxLines;
  }

  /** Follow output printed from `sinceS` (unix seconds; 0 = from the container's first start). */
  async attach(sinceS = 0): Promise<void> {
    this.detach();
    const docker = this.#client.container.dockerode;
    const stream = (await docker
      .getContainer(this.#id)
      .logs({ follow: true, stdout: true, stderr: true, since: sinceS })) as unknown as Readable;
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => this.#push(chunk.toString('utf8')));
    docker.modem.demuxStream(stream, sink, sink);
    stream.on('error', () => undefined);
    stream.on('end', () => this.#flush());
    this.#stream = stream;
  }

  detach(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#flush();
  }

  /**
   * Calls `listener` with the lines kept so far, then every line from now on, across re-attaches.
   * Returns the unsubscribe.
   */
  onLine(listener: (line: string) => void): () => void {
    for (const line of this.#lines) listener(line);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  text(): string {
    const lines = this.#partial ? [...this.#lines, this.#partial] : this.#lines;
    return lines.join('\n');
  }

  #push(text: string): void {
    const pieces = (this.#partial + text).split('\n');
    this.#partial = pieces.pop() ?? '';
    for (const line of pieces) this.#append(line);
  }

  #flush(): void {
    if (this.#partial) this.#append(this.#partial);
    this.#partial = '';
  }

  #append(line: string): void {
    for (const listener of this.#listeners) listener(line);
    this.#lines.push(line);
    if (this.#lines.length > this.#maxLines) this.#lines.splice(0, this.#lines.length - this.#maxLines);
  }
}
