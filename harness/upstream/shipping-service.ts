import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SHIPPING_ORDER_ID, shippingStatusOf } from '../checks/shipping.ts';

/**
 * How the service behaves now. `normal`: answers at once. `slow`: answers after `delayMs`.
 * `failing`: answers `status` (5xx) at once. `hang`: holds every request, answering none until
 * the mode changes (then they are answered as the new mode says).
 */
export type ShippingMode =
  | { kind: 'normal' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'failing'; status: number }
  | { kind: 'hang' };

const NORMAL: ShippingMode = { kind: 'normal' };

/**
 * The shipping-status HTTP service of one environment, the target's upstream: it lives in the
 * harness process (like the identity issuer) and the target reaches it only through the
 * `target→upstream` link, so link faults are real. `GET /shipments/<orderId>` answers the
 * order's deterministic status (see shippingStatusOf); the controls (`setMode`) are the
 * service's own faults: slow, failing, hung.
 */
export class ShippingService {
  readonly #server: Server;
  readonly host: string;
  #port = 0;
  #mode: ShippingMode = NORMAL;
  /** Requests held by `hang` (or waiting out `slow`), answered or dropped when that ends. */
  readonly #held = new Set<() => void>();
  #requests = 0;

  private constructor(host: string) {
    this.host = host;
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  /** Starts listening on `host` (an address Toxiproxy can reach) at a free port. */
  static async start(host: string): Promise<ShippingService> {
    const service = new ShippingService(host);
    await new Promise<void>((resolve, reject) => {
      service.#server.once('error', reject);
      service.#server.listen(0, host, () => resolve());
    });
    const address = service.#server.address();
    service.#port = typeof address === 'object' && address ? address.port : 0;
    return service;
  }

  /** host:port of the service. */
  get address(): string {
    return `${this.host}:${this.#port}`;
  }

  get mode(): ShippingMode {
    return this.#mode;
  }

  /** Shipment requests received so far (any answer, including held ones). */
  get requests(): number {
    return this.#requests;
  }

  /** Changes how the service answers from now on; held requests are answered under the new mode. */
  setMode(mode: ShippingMode): void {
    this.#mode = mode;
    const held = [...this.#held];
    this.#held.clear();
    for (const release of held) release();
  }

  /** Back to answering at once. */
  heal(): void {
    this.setMode(NORMAL);
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const match = /^\/shipments\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    this.#requests++;
    let orderId = '';
    try {
      orderId = decodeURIComponent(match[1] ?? '');
    } catch {
      // A malformed escape (`%zz`) is the client's mistake: answered 400, never thrown in the harness.
    }
    if (!SHIPPING_ORDER_ID.test(orderId)) {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad order id"}');
      return;
    }
    this.#answer(orderId, response);
  }

  #answer(orderId: string, response: ServerResponse, mode: ShippingMode = this.#mode): void {
    if (response.destroyed) return;
    switch (mode.kind) {
      case 'normal':
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(shippingStatusOf(orderId)));
        return;
      case 'failing':
        response
          .writeHead(mode.status, { 'content-type': 'application/json', 'retry-after': '1' })
          .end('{"error":"shipping status temporarily unavailable"}');
        return;
      case 'slow': {
        // Released early by a change of mode (a heal answers at once); else answered after the delay.
        const release = () => {
          clearTimeout(timer);
          this.#held.delete(release);
          this.#answer(orderId, response);
        };
        const timer = setTimeout(() => {
          this.#held.delete(release);
          // The delay served: answered as a normal one unless the mode has turned to another fault.
          this.#answer(orderId, response, this.#mode.kind === 'slow' ? NORMAL : this.#mode);
        }, mode.delayMs);
        this.#held.add(release);
        response.once('close', () => {
          clearTimeout(timer);
          this.#held.delete(release);
        });
        return;
      }
      case 'hang': {
        const release = () => this.#answer(orderId, response);
        this.#held.add(release);
        response.once('close', () => this.#held.delete(release));
        return;
      }
    }
  }

  async stop(): Promise<void> {
    this.#mode = NORMAL;
    this.#held.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
