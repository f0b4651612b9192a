// The reference server's backup and restore, for operators and for the harness's backup faults:
//   DATABASE_URL=postgres://… node src/db/backup-cli.ts backup <dir>
//   DATABASE_URL=postgres://… node src/db/backup-cli.ts restore <dir>
// Prints one JSON line on success (the manifest's figures); exit 1 naming the problem otherwise,
// 64 on a bad command line. DEFECT selects a deliberately broken build, as for the server.
import pg from 'pg';
import { z } from 'zod';
import { DEFECT_NAMES, selectDefects } from '../defects/index.ts';
import { backup, restore } from './backup.ts';
import { SCHEMA_SQL } from './schema.ts';

const USAGE = 'usage: node src/db/backup-cli.ts backup|restore <dir>   (DATABASE_URL must be set)';

const environment = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required (postgres://user:password@host:port/database)' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
  DEFECT: z.enum(DEFECT_NAMES).default('none'),
});

async function main(argv: string[]): Promise<number> {
  const [command, dir, ...rest] = argv;
  if ((command !== 'backup' && command !== 'restore') || !dir || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  const env = environment.safeParse(process.env);
  if (!env.success) {
    process.stderr.write(`${command}: ${env.error.issues.map((i) => i.message).join('; ')}\n`);
    return 1;
  }
  const defects = selectDefects(env.data.DEFECT);
  const client = new pg.Client({
    connectionString: env.data.DATABASE_URL,
    application_name: `mcp-reference-server/${command}`,
    connectionTimeoutMillis: 5_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result =
      command === 'backup'
        ? await backup(client, dir, { tables: defects.backupTables })
        : await restore(client, dir, { schemaSql: defects.schemaSql(SCHEMA_SQL) });
    const { tables } = result;
    const summary =
      command === 'backup'
        ? {
            ...result,
            tables: (tables as { name: string; rows: number }[]).map((t) => ({ name: t.name, rows: t.rows })),
          }
        : result;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
