#!/bin/sh
# Builds and runs kubelab's chart-rendering oracle (helmtmpl.go) offline, in GOPATH mode, on
# Debian's Go packages: golang-go, golang-github-masterminds-sprig-dev,
# golang-k8s-sigs-yaml-dev (apt-get install them). Arguments are helmtmpl's.
# Exit 3 (and a line on stderr) when Go or the packages are missing.
set -e
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null 2>&1 || { echo "skipped: go is not installed" >&2; exit 3; }
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] || { echo "skipped: golang-github-masterminds-sprig-dev is not installed" >&2; exit 3; }
[ -d /usr/share/gocode/src/sigs.k8s.io/yaml ] || { echo "skipped: golang-k8s-sigs-yaml-dev is not installed" >&2; exit 3; }
bin=${TMPDIR:-/tmp}/kubelab-helmtmpl
if [ ! -x "$bin" ] || [ "$here/helmtmpl.go" -nt "$bin" ]; then
  GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS=-mod=mod GOCACHE=${TMPDIR:-/tmp}/kubelab-gocache \
    go build -o "$bin" "$here/helmtmpl.go"
fi
exec "$bin" "$@"
