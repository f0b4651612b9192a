import type { RuntimeName } from '../../harness/index.ts';

/**
 * The runtimes the integration tests run on: MCP_CHAOS_TEST_RUNTIMES (comma-separated), default
 * both. CI runs both; a machine without Docker says `MCP_CHAOS_TEST_RUNTIMES=local` explicitly.
 */
export function testRuntimes(): RuntimeName[] {
  const names = (process.env.MCP_CHAOS_TEST_RUNTIMES ?? 'local,containers').split(',').map((s) => s.trim());
  for (const name of names) {
    if (name !== 'local' && name !== 'containers') {
      throw new Error(`MCP_CHAOS_TEST_RUNTIMES: '${name}' is not a runtime (use local and/or containers)`);
    }
  }
  return names as RuntimeName[];
}
