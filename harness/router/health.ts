import { request } from 'node:http';
import { connect } from 'node:net';

/**
 * One health check: resolves undefined when the instance is healthy, else why not. Never rejects.
 * `GET readyUrl` must answer 2xx within the timeout; without a readyUrl, the router can only ask
 * whether the instance accepts TCP connections again (HAProxy's plain `check`).
 */
export function checkReady(
  readyUrl: URL,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    // A connection of its own each time (no agent): a poll must see a refused connection as it is.
    const req = request(readyUrl, { method: 'GET', agent: false, timeout: timeoutMs, signal }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 300 ? undefined : `GET ${readyUrl.href} answered ${status}`);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve(`GET ${readyUrl.href} failed: ${describeError(error)}`));
    req.end();
  });
}

export function checkConnect(url: URL, timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({
      host: bareHost(url),
      port: Number(url.port || 80),
      timeout: timeoutMs,
      signal,
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    socket.once('error', (error) => resolve(`connect to ${url.host} failed: ${describeError(error)}`));
  });
}

/** URL.hostname keeps an IPv6 address's brackets; sockets want it bare. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

/**
 * Polls one instance (`check` acts on its own result), one check at a time, every `intervalMs` after the previous check ended (a
 * slow instance is not polled twice at once). Its timers are unref'd: polling never keeps the
 * process alive. `check` is asked anew each time, so it sees the instance's current address.
 */
export class HealthPoller {
  readonly #intervalMs: number;
  readonly #check: (signal: AbortSignal) => Promise<string | undefined> | undefined;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number, check: (signal: AbortSignal) => Promise<string | undefined> | undefined) {
    this.#intervalMs = intervalMs;
    this.#check = check;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#abort.signal.aborted) return;
    this.#timer = setTimeout(() => void this.#tick(), this.#intervalMs).unref();
  }

  async #tick(): Promise<void> {
    await this.#check(this.#abort.signal);
    this.#schedule();
  }

  stop(): void {
    this.#abort.abort();
    clearTimeout(this.#timer);
  }
}
