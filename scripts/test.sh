#!/usr/bin/env bash
# `npm test`: everything a fresh machine needs, then every test.
#   1. set-up: the Toxiproxy binary; Chromium (report.html's browser tests); a Docker engine and
#      the images (containers runtime)
#   2. typecheck and lint
#   3. vitest projects: unit, integration (both runtimes; the self-test's journals are kept)
#   4. the built-in scenario suite through the CLI: all of it (quick profile) on the local
#      runtime, a part of it on the containers runtime, with reports
#   5. coverage: the suite's and the self-test's journals must exercise every fault, defect and check
# MCP_CHAOS_TEST_RUNTIMES=local runs only the local runtime (for machines without Docker);
# by default both run, and a missing engine is an error, never a silent skip.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
export TESTCONTAINERS_RYUK_DISABLED=true
runtimes=${MCP_CHAOS_TEST_RUNTIMES:-local,containers}
export MCP_CHAOS_TEST_RUNTIMES=$runtimes
out="$root/reports/test"
rm -rf "$out" && mkdir -p "$out"

say() { printf '\n\033[1m[test]\033[0m %s\n' "$*" >&2; }
failures=()
step() { # step <name> <command…>: run, remember a failure, keep going so the summary is whole
  local name=$1 t0=$SECONDS
  shift
  say "$name"
  if "$@"; then say "$name: ok ($((SECONDS - t0)) s)"; else say "$name: FAILED ($((SECONDS - t0)) s)"; failures+=("$name"); fi
}

if [[ ! -x node_modules/.bin/node ]]; then
  say "dependencies missing: run 'npm install' first"
  exit 1
fi
node --version | grep -q '^v24' || { say "node_modules/.bin/node is not Node 24: run 'npm install'"; exit 1; }

bash scripts/setup.sh toxiproxy || exit 1
bash scripts/setup.sh chromium || exit 1
if [[ $runtimes == *containers* ]]; then
  bash scripts/ensure-docker.sh start || exit 1
  # Stop the engine again only if this run started it.
  trap 'bash "$root/scripts/ensure-docker.sh" stop' EXIT
  bash scripts/setup.sh images || exit 1
fi

step typecheck tsc -p tsconfig.json
step lint biome check .
step "unit tests" vitest run --project unit --reporter=default --reporter=json --outputFile.json="$out/unit.json"
MCP_CHAOS_SELFTEST_DIR="$out/selftest" step "integration tests ($runtimes)" vitest run --project integration \
  --reporter=default --reporter=json --outputFile.json="$out/integration.json"
IFS=, read -ra list <<<"$runtimes"
for runtime in "${list[@]}"; do
  # The whole suite on the local runtime; on containers, the scenarios that exercise what differs
  # there (PostgreSQL restarted in its container, the target container killed and restarted,
  # the router in the harness's process in front of target containers).
  subset=()
  [[ $runtime == containers ]] &&
    subset=(database-restart target-crash postgres-pause blue-green-deploy kill-one-of-three)
  step "scenario suite on $runtime" node harness/cli/bin.ts run "${subset[@]}" --runtime "$runtime" \
    --report-dir "$out/scenarios-$runtime"
done
MCP_CHAOS_COVERAGE_DIRS="$out/scenarios-local:$out/selftest" step "coverage of the runs" \
  vitest run --project coverage --reporter=default --reporter=json --outputFile.json="$out/coverage.json"

# One closing line for humans and CI: tests and scenarios counted together.
node scripts/count-results.ts "$out" "${#failures[@]}"
if ((${#failures[@]})); then
  say "failed: ${failures[*]}"
  exit 1
fi
