import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Principal } from '../domain.ts';

/** Why a session left the table: closed by its client (DELETE), or evicted by the server. */
export type SessionEndReason = 'closed' | 'idle' | 'capacity' | 'shutdown';

/** One stateful MCP session: its SDK server and transport, and the principal that opened it. */
export interface SessionEntry {
  readonly server: McpServer;
  readonly transport: StreamableHTTPServerTransport;
  /** ownerKey() of the principal whose initialize opened it: nobody else may use it. */
  readonly owner: string;
  /** Requests being handled on it now: an evicted session is closed only once they are done. */
  inFlight: number;
  /** Evicted while a request was in flight: closed when the last one ends. */
  closeWhenIdle: boolean;
  closed: boolean;
}

/** What the HTTP edge needs from the session table; the defect `sessions-unbounded` swaps it. */
export interface SessionTable {
  get(id: string): SessionEntry | undefined;
  set(id: string, entry: SessionEntry): void;
  delete(id: string): void;
  readonly size: number;
  /** Ends every session (shutdown). */
  clear(): void;
}

export interface SessionLimits {
  /** Sessions held at most; opening one more evicts the least recently used. */
  readonly max: number;
  /** A session unused this long is evicted. */
  readonly idleMs: number;
}

/** The identity a session is bound to: tenant, role, subject and customer (for role customer). */
export function ownerKey(principal: Principal): string {
  return JSON.stringify([principal.tenant, principal.role, principal.subject, principal.customer ?? null]);
}

/** Closes a session's server and transport once, after its requests in flight (if any) have ended. */
export function closeEntry(entry: SessionEntry): void {
  if (entry.closed) return;
  if (entry.inFlight > 0) {
    entry.closeWhenIdle = true;
    return;
  }
  entry.closed = true;
  // Closing only releases in-memory state; a failure here has no one left to report to.
  entry.server.close().catch(() => undefined);
}

const LRU_REASONS: Partial<Record<LRUCache.DisposeReason, SessionEndReason>> = {
  evict: 'capacity',
  expire: 'idle',
};

/**
 * The production table: an LRU bounded by `max`, each entry expiring `idleMs` after it was last
 * used (every request refreshes it), so clients that open sessions and walk away cost memory for
 * a bounded time and count. Expired entries are swept on a timer: lru-cache's own ttlAutopurge
 * sets one timer per entry at creation and never re-arms it when a get refreshes the age, so a
 * session used twice and then abandoned would stay until the cap pushed it out.
 */
export function boundedSessionTable(
  limits: SessionLimits,
  onEnd: (reason: SessionEndReason) => void,
): SessionTable {
  let ending: SessionEndReason | undefined;
  const cache = new LRUCache<string, SessionEntry>({
    max: limits.max,
    ttl: limits.idleMs,
    updateAgeOnGet: true,
    dispose: (entry, _id, reason) => {
      onEnd(ending ?? LRU_REASONS[reason] ?? 'closed');
      closeEntry(entry);
    },
  });
  // A quarter of the TTL (10 s at most): an idle session goes at most 25% late.
  const sweep = setInterval(() => cache.purgeStale(), Math.min(10_000, Math.max(25, limits.idleMs / 4)));
  sweep.unref();
  return {
    get: (id) => cache.get(id),
    set: (id, entry) => {
      cache.set(id, entry);
    },
    delete: (id) => {
      cache.delete(id);
    },
    get size() {
      return cache.size;
    },
    clear: () => {
      clearInterval(sweep);
      ending = 'shutdown';
      cache.clear();
      ending = undefined;
    },
  };
}

/** The session gauges and counters on the server's registry (`/metrics`). */
export function registerSessionMetrics(
  registry: Registry,
  table: () => SessionTable | undefined,
): (reason: SessionEndReason) => void {
  new Gauge({
    name: 'mcp_sessions_open',
    help: 'Stateful MCP sessions held by this instance now',
    registers: [registry],
    collect() {
      this.set(table()?.size ?? 0);
    },
  });
  const ended = new Counter({
    name: 'mcp_sessions_ended_total',
    help: 'Stateful MCP sessions ended, by reason: closed (DELETE), idle, capacity (evicted), shutdown',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Every reason exported from the start, so a rate over it never begins with a missing series.
  for (const reason of ['closed', 'idle', 'capacity', 'shutdown'] as const) ended.inc({ reason }, 0);
  return (reason) => ended.inc({ reason });
}
