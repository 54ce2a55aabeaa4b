#!/usr/bin/env bash
# Build local equivalents of the images docker-compose.yml names, for an engine that cannot reach
# an image registry. Each is made from Debian bookworm's packages (and the Kafka jars that
# deploy/kafka/pom.xml pins) at the same version as the official image, and tagged under
# waardigwerk-local/ for the compose variables to point at:
#
#   waardigwerk-local/debian:bookworm            debootstrap --variant=minbase, `docker import`
#   waardigwerk-local/python:3.11-slim-bookworm  Debian's python3 (3.11.2)       ~ python:3.11.2-slim-bookworm
#   waardigwerk-local/postgres:15                Debian's postgresql-15          ~ postgres:15-bookworm
#   waardigwerk-local/kafka:3.9.1                Apache Kafka 3.9.1 jars, JRE 17 ~ apache/kafka:3.9.1
#
# and then the services' own image (waardigwerk-app:local) on that Python image.
#
# Usage: deploy/docker/images.sh [--print-env]   builds what is missing (--print-env only prints
# the WAARDIGWERK_*_IMAGE lines). WAARDIGWERK_REBUILD=1 rebuilds every image.
# Builds that download packages run with the host network (an engine without iptables has no
# NAT) and trust the CA bundle named by SSL_CERT_FILE (default: the system bundle), handed to
# the build as a BuildKit secret: it is never part of an image.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BASE=waardigwerk-local/debian:bookworm
PYTHON=waardigwerk-local/python:3.11-slim-bookworm
POSTGRES=waardigwerk-local/postgres:15
KAFKA=waardigwerk-local/kafka:3.9.1
APP=${WAARDIGWERK_APP_IMAGE:-waardigwerk-app:local}

if [[ "${1:-}" == "--print-env" ]]; then
  printf '%s\n' "WAARDIGWERK_PYTHON_IMAGE=$PYTHON" "WAARDIGWERK_POSTGRES_IMAGE=$POSTGRES" "WAARDIGWERK_KAFKA_IMAGE=$KAFKA"
  exit 0
fi

say() { echo "images: $*"; }
have_image() { [[ "${WAARDIGWERK_REBUILD:-0}" != 1 ]] && docker image inspect "$1" >/dev/null 2>&1; }
timed() {
  local what=$1 start=$SECONDS
  shift
  "$@"
  say "$what: done in $((SECONDS - start)) s"
}

# The Debian mirrors this machine uses (deb822 sources or a classic sources.list), else Debian's own.
mirror() {
  local suite=$1 fallback=$2 uri
  uri=$(awk -v suite="$suite" '
    /^URIs:/ { uris = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) { print uris; exit } }
    /^deb / { for (i = 3; i <= NF; i++) if ($i == suite) { print $2; exit } }
  ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1 || true)
  echo "${uri:-$fallback}"
}

build_base() {
  local main security root
  main=$(mirror bookworm http://deb.debian.org/debian)
  security=$(mirror bookworm-security http://deb.debian.org/debian-security)
  command -v debootstrap >/dev/null || { say "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  root=$(mktemp -d /var/tmp/waardigwerk-rootfs.XXXXXX)
  say "debootstrap bookworm from $main"
  debootstrap --variant=minbase bookworm "$root" "$main" >"$root.log" 2>&1 ||
    { tail -n 30 "$root.log"; rm -f "$root.log"; exit 1; }
  rm -f "$root.log"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $main bookworm main
deb $main bookworm-updates main
deb $security bookworm-security main
EOF
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90waardigwerk"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$root"
}

# A client that builds with BuildKit (build secrets): `docker buildx`, else a 20.10 client, whose
# BuildKit is built in (Debian's docker.io ships one at /usr/bin/docker).
buildkit() {
  local client
  for client in docker /usr/bin/docker; do
    if "$client" buildx version >/dev/null 2>&1; then
      echo "$client buildx build --load"
      return
    fi
    if [[ $("$client" version --format '{{.Client.Version}}' 2>/dev/null) == 20.* ]]; then
      echo "$client build"
      return
    fi
  done
  say "no Docker client here builds with BuildKit: install the buildx plugin (or Debian's docker.io)"
  exit 1
}

build() {
  local tag=$1 dockerfile=$2
  # shellcheck disable=SC2046 # the builder command is several words
  DOCKER_BUILDKIT=1 $(buildkit) --network host --progress plain \
    --secret "id=ca_bundle,src=${SSL_CERT_FILE:-deploy/docker/no-extra-ca.pem}" \
    --build-arg "BASE_IMAGE=$BASE" --build-arg "PYTHON_IMAGE=$PYTHON" --label nl.waardigwerk.image \
    --file "$dockerfile" --tag "$tag" . \
    >"/tmp/waardigwerk-build-${tag//[\/:]/-}.log" 2>&1 ||
    { tail -n 40 "/tmp/waardigwerk-build-${tag//[\/:]/-}.log"; say "building $tag failed"; exit 1; }
}

have_image "$BASE" || timed "base image $BASE" build_base
have_image "$PYTHON" || timed "$PYTHON" build "$PYTHON" deploy/docker/python.Dockerfile
have_image "$POSTGRES" || timed "$POSTGRES" build "$POSTGRES" deploy/docker/postgres.Dockerfile
have_image "$KAFKA" || timed "$KAFKA" build "$KAFKA" deploy/docker/kafka.Dockerfile
# The services' image, from this working tree on the local Python image (layers cached).
timed "$APP" build "$APP" deploy/docker/Dockerfile
docker image prune --force --filter label=nl.waardigwerk.image >/dev/null  # earlier builds of these tags
say "ok: $BASE $PYTHON $POSTGRES $KAFKA $APP"
