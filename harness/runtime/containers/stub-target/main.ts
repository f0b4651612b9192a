/**
 * A stand-in target for the containers runtime's integration test (built into the image
 * mcp-chaos/target-stub by docker/build-images.sh with MCP_CHAOS_TARGET_SRC pointing here).
 * It honours the same env as the reference server: /healthz on ADMIN_PORT, and /db runs
 * `select 1` through DATABASE_URL so the test can prove target→postgres through Toxiproxy.
 * STUB_FAIL=1 makes it exit at once (a target that cannot start).
 */
import { createServer } from 'node:http';
import pg from 'pg';

if (process.env.STUB_FAIL === '1') {
  process.stderr.write('stub target failing on purpose (STUB_FAIL=1)\n');
  process.exit(3);
}

const host = process.env.MCP_HOST ?? '0.0.0.0';
const mcpPort = Number(process.env.MCP_PORT ?? 3000);
const adminPort = Number(process.env.ADMIN_PORT ?? 3001);

const admin = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.end(JSON.stringify({ ok: true, buildId: process.env.BUILD_ID ?? null }));
    return;
  }
  if (req.url === '/db') {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    client
      .connect()
      .then(() => client.query<{ one: number }>('select 1 as one'))
      .then((result) => res.end(JSON.stringify(result.rows[0])))
      .catch((error: unknown) => {
        res.statusCode = 503;
        res.end(JSON.stringify({ error: String(error) }));
      })
      .finally(() => void client.end().catch(() => undefined));
    return;
  }
  res.statusCode = 404;
  res.end();
});
const mcp = createServer((_req, res) => res.end('stub'));
admin.listen(adminPort, host);
mcp.listen(mcpPort, host);
process.stdout.write(`stub target listening on ${host}:${mcpPort} (admin ${adminPort})\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    admin.close();
    mcp.close();
    process.exit(0);
  });
}
