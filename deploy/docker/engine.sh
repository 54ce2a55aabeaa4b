#!/usr/bin/env bash
# A Docker engine for the compose tier (.ci/run) on a machine that has none.
#
#   deploy/docker/engine.sh start   # an engine that answers: the caller's, else one of our own
#   deploy/docker/engine.sh host    # the DOCKER_HOST to use (after start)
#   deploy/docker/engine.sh stop    # stop the engine that start started (nothing else)
#
# If an engine already answers (DOCKER_HOST or the default socket), start uses it. Otherwise it
# installs Debian's docker.io (and debootstrap, for deploy/docker/images.sh) when missing and
# runs dockerd on a socket of its own, so nothing else on the machine sees an engine by chance:
# overlay2 storage, no iptables (no NAT: image builds use the host network), data in
# /var/lib/waardigwerk-docker. Needs root, as dockerd does.
set -euo pipefail

SOCK=${WAARDIGWERK_DOCKER_SOCK:-/run/waardigwerk-docker.sock}
STATE=/run/waardigwerk-docker
PIDFILE=$STATE/dockerd.pid
LOG=${WAARDIGWERK_DOCKER_LOG:-/var/log/waardigwerk-dockerd.log}
say() { echo "engine: $*" >&2; }
answers() { DOCKER_HOST=$1 timeout 20 docker info >/dev/null 2>&1; }

ours_running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

given() { echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; }

host() {
  if answers "$(given)"; then given; else echo "unix://$SOCK"; fi
}

install() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  ((${#missing[@]})) || return 0
  [[ $(id -u) -eq 0 ]] || { say "missing ${missing[*]}: install them as root (apt-get install ${missing[*]})"; exit 1; }
  local start=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${missing[*]} in $((SECONDS - start)) s"
}

start() {
  if answers "$(given)"; then
    say "an engine answers at $(given): using it"
    return 0
  fi
  if answers "unix://$SOCK"; then
    say "engine already running at unix://$SOCK"
    return 0
  fi
  install
  local start=$SECONDS
  mkdir -p "$STATE" /var/lib/waardigwerk-docker
  nohup dockerd -H "unix://$SOCK" --data-root /var/lib/waardigwerk-docker --exec-root "$STATE" \
    --pidfile "$PIDFILE" --storage-driver overlay2 --iptables=false --ip-masq=false >>"$LOG" 2>&1 &
  for _ in $(seq 120); do
    if answers "unix://$SOCK"; then
      say "dockerd up at unix://$SOCK in $((SECONDS - start)) s (log $LOG)"
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$LOG" >&2
  say "dockerd did not answer within 60 s"
  exit 1
}

stop() {
  if ! ours_running; then
    say "no engine of ours is running"
    return 0
  fi
  local pid
  pid=$(cat "$PIDFILE")
  kill "$pid"
  for _ in $(seq 60); do
    kill -0 "$pid" 2>/dev/null || { say "dockerd stopped"; return 0; }
    sleep 0.5
  done
  say "dockerd (pid $pid) still runs after 30 s"
  exit 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  host) host ;;
  *) echo "usage: $0 start|host|stop" >&2; exit 2 ;;
esac
