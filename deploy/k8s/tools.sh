#!/usr/bin/env bash
# Install the manifest tools the tests use (`make setup` calls this): kustomize renders
# deploy/k8s, kubeconform validates the result. Both are Go modules, pinned here and in
# deploy/k8s/validate.py, built with `go install` into $WAARDIGWERK_CACHE/go/bin (outside the
# repository, shared by every checkout). Safe to run again: it only builds what is missing.
set -euo pipefail

cache="${WAARDIGWERK_CACHE:-$HOME/.cache/waardigwerk}"
bin="$cache/go/bin"
tools=(
  "kustomize sigs.k8s.io/kustomize/kustomize/v5@v5.5.0"
  "kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.6.7"
)
if ! command -v go >/dev/null 2>&1; then
  echo "k8s tools: Go is needed to build kustomize and kubeconform (Debian: apt-get install -y golang-go)" >&2
  exit 1
fi
mkdir -p "$bin"
for entry in "${tools[@]}"; do
  read -r name module <<<"$entry"
  version="${module##*@}"
  if [[ -x "$bin/$name" && -f "$bin/$name.version" && "$(cat "$bin/$name.version")" == "$version" ]]; then
    continue
  fi
  echo "k8s tools: go install $module"
  GOBIN="$bin" GOFLAGS=-mod=mod go install "$module"
  echo "$version" >"$bin/$name.version"
done
echo "k8s tools: ok ($bin)"
