import type { SessionEntry, SessionTable } from '../mcp/sessions.ts';

/**
 * sessions-unbounded: the stateful session table without its cap or idle eviction, a plain Map.
 * Every session a client opens and walks away from (a crashed agent, a client that never sends
 * DELETE) is kept, with its SDK server and transport, until the process dies: memory grows with
 * the number of sessions ever opened.
 */
export function unboundedSessionTable(_create: () => SessionTable): SessionTable {
  const sessions = new Map<string, SessionEntry>();
  return {
    get: (id) => sessions.get(id),
    set: (id, entry) => {
      sessions.set(id, entry);
    },
    delete: (id) => {
      sessions.delete(id);
    },
    get size() {
      return sessions.size;
    },
    clear: () => sessions.clear(),
  };
}
