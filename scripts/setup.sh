#!/usr/bin/env bash
# Set-up a fresh machine needs before the harness runs. Each step is cached and idempotent.
#   scripts/setup.sh toxiproxy   build the pinned Toxiproxy server + CLI from the Go module proxy
#   scripts/setup.sh docker      make sure a Docker engine answers (installs/starts it as root)
#   scripts/setup.sh images      build every image locally (needs the engine and toxiproxy)
#   scripts/setup.sh chromium    Debian's chromium for report.html's browser tests (as root; else says what to run)
#   scripts/setup.sh             all of the above
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
TOXIPROXY_VERSION=v2.12.0
bin_dir="$root/.cache/bin"

say() { # bold on a terminal only: a CI log gets plain lines
  if [[ -t 2 && -z ${NO_COLOR:-} ]]; then printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; else printf '[setup] %s\n' "$*" >&2; fi
}

toxiproxy() {
  local stamp="$bin_dir/toxiproxy.version"
  if [[ -x $bin_dir/toxiproxy-server && -x $bin_dir/toxiproxy-cli && "$(cat "$stamp" 2>/dev/null)" == "$TOXIPROXY_VERSION+stamped" ]]; then
    say "toxiproxy $TOXIPROXY_VERSION already built ($bin_dir)"
    return
  fi
  if ! command -v go >/dev/null; then
    say "Go is needed to build Toxiproxy: install Go 1.23+ (https://go.dev/doc/install, or 'apt-get install golang-go' where it is new enough), then run: npm run setup"
    exit 1
  fi
  say "building toxiproxy $TOXIPROXY_VERSION from the Go module proxy (about 30 s the first time)…"
  mkdir -p "$bin_dir"
  local tmp
  tmp=$(mktemp -d)
  # Stamp the version the way Toxiproxy's own release build does (else /version answers "git").
  local ldflags="-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION#v}"
  GOBIN="$tmp" CGO_ENABLED=0 go install -ldflags "$ldflags" "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION"
  GOBIN="$tmp" CGO_ENABLED=0 go install -ldflags "$ldflags" "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION"
  mv "$tmp/server" "$bin_dir/toxiproxy-server"
  mv "$tmp/cli" "$bin_dir/toxiproxy-cli"
  rm -rf "$tmp"
  echo "$TOXIPROXY_VERSION+stamped" >"$stamp"
  say "toxiproxy ready: $("$bin_dir/toxiproxy-server" -version 2>&1 | head -1)"
}

# report.html's browser tests and `npm run bench:report` drive a real Chromium through
# playwright-core, which brings none: Debian's package is the one used (CHROMIUM_PATH overrides).
chromium_browser() {
  if [[ -n ${CHROMIUM_PATH:-} && -x ${CHROMIUM_PATH} ]]; then
    say "chromium: CHROMIUM_PATH=$CHROMIUM_PATH"
    return
  fi
  if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
    say "chromium already installed ($(command -v chromium || command -v chromium-browser))"
    return
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium (for report.html's browser tests)…"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
    say "chromium ready: $(chromium --version 2>/dev/null | head -1)"
  else
    say "Chromium is needed for report.html's browser tests: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH to a Chromium), then: npm run setup"
    exit 1
  fi
}

docker_engine() { bash "$root/scripts/ensure-docker.sh" start; }
images() {
  # The base image is made with debootstrap from Debian's packages (no registry is reachable).
  if ! command -v debootstrap >/dev/null && ! docker image inspect mcp-chaos/base:bookworm >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      say "installing debootstrap (to build the base image)…"
      DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2
    fi
  fi
  bash "$root/docker/build-images.sh"
}

case "${1:-all}" in
  toxiproxy) toxiproxy ;;
  docker) docker_engine ;;
  images) toxiproxy; images ;;
  chromium) chromium_browser ;;
  all) toxiproxy; chromium_browser; docker_engine; images ;;
  *) say "unknown step '$1': use toxiproxy, docker, images, chromium or nothing for all"; exit 2 ;;
esac
