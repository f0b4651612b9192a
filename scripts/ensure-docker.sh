#!/usr/bin/env bash
# Make sure a Docker engine answers, or stop the one this script started.
#   scripts/ensure-docker.sh start   use a running engine, else (as root) install/start dockerd
#   scripts/ensure-docker.sh stop    stop dockerd only if `start` started it (.cache/dockerd.started)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache"
marker="$cache/dockerd.started"
log="$cache/dockerd.log"
WAIT_S=60

say() { # bold on a terminal only: a CI log gets plain lines
  if [[ -t 2 && -z ${NO_COLOR:-} ]]; then printf '\033[1m[docker]\033[0m %s\n' "$*" >&2; else printf '[docker] %s\n' "$*" >&2; fi
}
engine_answers() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

start() {
  if engine_answers; then
    say "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')): nothing to do"
    return
  fi
  if [[ $(id -u) -ne 0 ]]; then
    say "no Docker engine answers and this is not root, so none can be started here."
    say "get an engine: install Docker (https://docs.docker.com/engine/install/) and start it,"
    say "or add your user to the 'docker' group, or set DOCKER_HOST; or run this script as root."
    say "(the 'local' runtime needs no engine: --runtime local)"
    exit 1
  fi
  if ! command -v dockerd >/dev/null; then
    say "dockerd missing: installing Debian's docker.io with apt-get…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends docker.io >&2
  fi
  mkdir -p "$cache"
  say "starting dockerd (log: $log)…"
  local t0=$SECONDS
  setsid dockerd >>"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$marker"
  while ! engine_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$marker"
      say "dockerd exited during start-up; last lines of $log:"
      tail -n 20 "$log" >&2
      exit 1
    fi
    if ((SECONDS - t0 >= WAIT_S)); then
      say "dockerd (pid $pid) did not answer 'docker info' within ${WAIT_S}s; see $log"
      exit 1
    fi
    sleep 1
  done
  say "engine ready after $((SECONDS - t0))s (dockerd pid $pid, started by this script)"
}

stop() {
  if [[ ! -f $marker ]]; then
    say "dockerd was not started by this script: leaving the engine alone"
    return
  fi
  local pid
  pid=$(cat "$marker")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then
    say "stopping dockerd (pid $pid)…"
    kill -TERM "$pid"
    local t0=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS - t0 >= 30)); then
        say "dockerd (pid $pid) still running after 30s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.5
    done
    say "dockerd stopped after $((SECONDS - t0))s"
  else
    say "dockerd (pid ${pid:-?}) is no longer running (that pid is not dockerd): nothing to stop"
  fi
  rm -f "$marker"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) say "usage: $0 start|stop"; exit 2 ;;
esac
