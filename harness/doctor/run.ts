import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IMAGES } from '../runtime/containers/index.ts';
import { envStateDir } from '../runtime/env-state.ts';
import { stateDir as registryDir } from '../runtime/local/registry.ts';
import { checkDependencies } from './checks/dependencies.ts';
import { BASE_IMAGE, checkDebootstrap, checkDockerEngine, checkImages } from './checks/docker.ts';
import { checkLeftovers } from './checks/leftovers.ts';
import { checkNode, projectNode } from './checks/node.ts';
import { checkLoopbackPort } from './checks/ports.ts';
import { checkPostgresBinaries, checkPostgresUser } from './checks/postgres.ts';
import { checkToxiproxy } from './checks/toxiproxy.ts';
import type { CheckResult, DoctorReport, RuntimeName, RuntimeVerdict } from './schema.ts';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNTIMES: RuntimeName[] = ['local', 'containers'];

export interface DoctorOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
}

/** A runtime is ready when no check it depends on is short of ok; its fixes, each once. */
export function verdicts(checks: CheckResult[]): RuntimeVerdict[] {
  return RUNTIMES.map((runtime) => {
    const blocking = checks.filter((c) => c.status !== 'ok' && c.blocks.includes(runtime));
    const fixes = [...new Set(blocking.map((c) => c.fix ?? `see ${c.id}`))];
    return { runtime, ready: blocking.length === 0, fixes };
  });
}

export function doctorReport(checks: CheckResult[]): DoctorReport {
  const runtimes = verdicts(checks);
  const local = runtimes.find((r) => r.runtime === 'local');
  return { checks, runtimes, exitCode: local?.ready ? 0 : 1 };
}

/** Every check, in the order a person fixes them (the runtime's basics first, then Docker). */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const root = options.root ?? projectRoot;
  const env = options.env ?? process.env;
  const uid = options.uid ?? process.getuid?.();
  const isRoot = uid === 0;
  const passwd = (() => {
    try {
      return readFileSync('/etc/passwd', 'utf8');
    } catch {
      return '';
    }
  })();

  const basics = [
    checkNode({ version: process.version, execPath: process.execPath, projectNode: projectNode(root) }),
    await checkDependencies(root),
    await checkLoopbackPort(),
    await checkPostgresBinaries(),
    await checkPostgresUser(uid, passwd),
  ];
  const engine = await checkDockerEngine(isRoot);
  const answers = engine.status === 'ok';
  const images: CheckResult[] = answers
    ? await checkImages(root, {
        ...DEFAULT_IMAGES,
        // As the reference target definition picks its image (harness/target/definition.ts).
        target: env.MCP_CHAOS_TARGET_IMAGE || DEFAULT_IMAGES.target,
      })
    : [
        {
          id: 'images',
          status: 'missing',
          detail: 'not checked: no Docker engine answers',
          fix: engine.fix,
          blocks: ['containers'],
        },
      ];
  const baseMissing = answers
    ? images.find((c) => c.id === `image:${BASE_IMAGE}`)?.status === 'missing'
    : undefined;
  // build-images.sh copies the binary into the toxiproxy image: containers need it while any image is to be built.
  const mustBuild = images.some((c) => c.status !== 'ok');
  const toxiproxy = await checkToxiproxy(
    root,
    env,
    mustBuild && answers ? ['local', 'containers'] : ['local'],
  );
  const leftovers = await checkLeftovers({
    registryDir,
    envStateDir: envStateDir(env),
    dockerAnswers: answers,
  });
  return doctorReport([
    ...basics,
    toxiproxy,
    engine,
    ...images,
    await checkDebootstrap(baseMissing, isRoot),
    leftovers,
  ]);
}
