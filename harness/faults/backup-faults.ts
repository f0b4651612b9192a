import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import { asSuperuser } from './postgres-connections.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

/** The backups each environment has taken, by name: the restore fault finds its backup here. */
const taken = new WeakMap<StartedEnvironment, Map<string, { dir: string; recoveryPoint: number }>>();

/** Backup directories not yet removed: removed at exit whatever happened to the scenario. */
const directories = new Set<string>();
process.once('exit', () => {
  for (const dir of directories) {
    try {
      // Synchronous on purpose: nothing asynchronous runs in an 'exit' handler.
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: a temporary directory.
    }
  }
});

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const COMMAND_TIMEOUT_MS = 120_000;

const backupOutput = z.object({ recoveryPoint: z.number(), tookMs: z.number() }).loose();
const restoreOutput = z.object({ recoveryPoint: z.number(), tookMs: z.number(), rows: z.number() }).loose();

/** The target's backup tool, or an error saying how to give it one. */
function backupTool(
  env: StartedEnvironment,
  fault: string,
): NonNullable<StartedEnvironment['targetDefinition']['backup']> {
  const tool = env.targetDefinition.backup;
  if (!tool) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `Fault.${fault}: target ${env.targetDefinition.name} has no backup tool: give its TargetDefinition a \`backup\` command`,
    );
  }
  return tool;
}

/** Runs the target's backup tool (`backup` or `restore` into/from `dir`) and parses its JSON line. */
async function runBackupTool(
  env: StartedEnvironment,
  command: 'backup' | 'restore',
  dir: string,
): Promise<unknown> {
  const tool = backupTool(env, command === 'backup' ? 'backup' : 'restoreBackup');
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(
      tool.command,
      [...tool.args, command, dir],
      {
        cwd: tool.cwd,
        timeout: COMMAND_TIMEOUT_MS,
        env: {
          ...process.env,
          DATABASE_URL: env.postgresUrl,
          DEFECT: env.targetDefinition.env.DEFECT ?? 'none',
        },
      },
      (error, out, err) => {
        if (error) {
          reject(
            new HarnessError(
              'BACKUP_FAILED',
              `the target's ${command} failed (exit ${String(error.code ?? error.signal)}): ${String(err).trim() || error.message}`,
            ),
          );
        } else resolve({ stdout: String(out) });
      },
    );
  });
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new HarnessError(
      'BACKUP_FAILED',
      `the target's ${command} printed no JSON line: ${line.slice(0, 200)}`,
    );
  }
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/** The target database's name, from the environment's PostgreSQL URL. */
function databaseName(env: StartedEnvironment): string {
  const name = decodeURIComponent(new URL(env.postgresUrl).pathname.slice(1));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name))
    throw new HarnessError('INVALID_SCENARIO', `unexpected database name ${name}`);
  return name;
}

/** Backups and disasters: the target's own backup tool run on its PostgreSQL, under load. */
export const backupFaults = {
  /**
   * A backup of the target's database taken now, under load, with the target's backup tool;
   * journaled with its recovery point (`data.recoveryPoint`). Instant. `name` (default
   * `backup`) is what `Fault.restoreBackup` restores from.
   */
  backup(dependency: 'postgres', options: { name?: string } & Timing = {}): FaultSpec {
    if (dependency !== 'postgres')
      throw invalid('backup', `unknown dependency ${JSON.stringify(dependency)} (use 'postgres')`);
    checkOptions('backup', options, ['name', 'afterMs']);
    const when = checkTiming('backup', options);
    const name = options.name ?? 'backup';
    if (!NAME.test(name))
      throw invalid('backup', `name must be 1-64 letters, digits, _ . -, got ${JSON.stringify(name)}`);
    return {
      name: `backup(${dependency}${name === 'backup' ? '' : `, ${name}`})`,
      instant: true,
      ...when,
      async inject(env) {
        backupTool(env, 'backup');
        const dir = await mkdtemp(join(tmpdir(), 'mcp-chaos-backup-'));
        directories.add(dir);
        let output: z.infer<typeof backupOutput>;
        try {
          output = backupOutput.parse(await runBackupTool(env, 'backup', dir));
        } catch (error) {
          await rm(dir, { recursive: true, force: true });
          directories.delete(dir);
          throw error;
        }
        const backups = taken.get(env) ?? new Map();
        taken.set(env, backups);
        const previous = backups.get(name);
        if (previous) {
          await rm(previous.dir, { recursive: true, force: true });
          directories.delete(previous.dir);
        }
        backups.set(name, { dir, recoveryPoint: output.recoveryPoint });
        const rows = Array.isArray(output.tables)
          ? (output.tables as { rows?: unknown }[]).reduce(
              (n, t) => n + (typeof t.rows === 'number' ? t.rows : 0),
              0,
            )
          : undefined;
        return {
          detail: `backup ${name}: recovery point ${clock(output.recoveryPoint)}, ${rows ?? '?'} rows, ${Math.round(output.tookMs)} ms`,
          data: {
            recoveryPoint: output.recoveryPoint,
            backupMs: output.tookMs,
            ...(rows !== undefined ? { rows } : {}),
          },
        };
      },
      async heal() {},
    };
  },

  /**
   * The disaster and the recovery: the target's database dropped (its connections cut) and
   * created again empty, then the backup `from` (default `backup`) restored into it with the
   * target's backup tool. Journaled with the recovery point and the restore's duration.
   * Instant: recovery is measured from the restore's end. The backup is deleted on heal.
   */
  restoreBackup(dependency: 'postgres', options: { from?: string } & Timing = {}): FaultSpec {
    if (dependency !== 'postgres')
      throw invalid('restoreBackup', `unknown dependency ${JSON.stringify(dependency)} (use 'postgres')`);
    checkOptions('restoreBackup', options, ['from', 'afterMs']);
    const when = checkTiming('restoreBackup', options);
    const from = options.from ?? 'backup';
    const run = perRun((): { used?: string } => ({}));
    return {
      name: `restoreBackup(${dependency}${from === 'backup' ? '' : `, ${from}`})`,
      instant: true,
      ...when,
      async inject(env) {
        const backup = taken.get(env)?.get(from);
        if (!backup) {
          throw new HarnessError(
            'INVALID_SCENARIO',
            `Fault.restoreBackup: no backup named ${from} was taken before it: put Fault.backup('postgres'${from === 'backup' ? '' : `, { name: '${from}' }`}) in an earlier phase`,
          );
        }
        run(env).used = backup.dir;
        const database = databaseName(env);
        const destroyedAt = Date.now();
        await asSuperuser(env, async (admin) => {
          await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          await admin.query(`CREATE DATABASE "${database}"`);
        });
        const output = restoreOutput.parse(await runBackupTool(env, 'restore', backup.dir));
        return {
          detail: `database ${database} dropped and restored from backup ${from} (recovery point ${clock(output.recoveryPoint)}): ${output.rows} rows in ${Math.round(output.tookMs)} ms`,
          data: {
            recoveryPoint: output.recoveryPoint,
            destroyedAt,
            restoreMs: output.tookMs,
            rows: output.rows,
          },
        };
      },
      async heal(env) {
        const used = run(env).used;
        if (used === undefined) return;
        await rm(used, { recursive: true, force: true });
        directories.delete(used);
        taken.get(env)?.delete(from);
        run(env).used = undefined;
      },
    };
  },
};
