#!/usr/bin/env bash
# Install what this machine lacks to build, test and run waardigwerk (`make setup` and .ci/run call it).
#
# Needed: uv (pinned), Debian's chromium for the console's browser tests (Playwright drives it; no
# browser download is possible here), npm for the accessibility checker those tests load (axe-core,
# locked in tests/browser/package-lock.json), and for the stack without Docker Java 17, Maven (fetches the
# Kafka jars once) and the PostgreSQL server binaries. As root on Debian the missing packages are installed with
# apt-get; otherwise this names them and fails. Safe to run again: it only acts on what is missing.
set -euo pipefail

UV_VERSION=0.13.8
have() { command -v "$1" >/dev/null 2>&1; }
say() { echo "bootstrap: $*"; }

packages=()
if [[ "${WAARDIGWERK_STACK_MODE:-}" != "docker" ]]; then
  java_major=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1 || true)
  if [[ -z "$java_major" || "$java_major" -lt 17 ]]; then packages+=(openjdk-17-jre-headless); fi
  have mvn || packages+=(maven)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || have postgres || packages+=(postgresql)
fi
[[ -x /usr/bin/chromium ]] || packages+=(chromium)
have npm || packages+=(npm)
have uv || have pip3 || python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

if ((${#packages[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! have apt-get; then
    say "missing: ${packages[*]} -- install them (Debian: sudo apt-get install -y ${packages[*]}) and run again"
    exit 1
  fi
  say "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if [[ " ${packages[*]} " == *" postgresql "* ]]; then
    # Only the server binaries are wanted: the stack runs its own cluster, so no default one.
    apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  fi
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! have uv; then
  say "installing uv ${UV_VERSION}"
  python3 -m pip install --quiet "uv==${UV_VERSION}" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "uv==${UV_VERSION}"
fi
say "ok: $(uv --version)${packages:+, installed ${packages[*]}}"
