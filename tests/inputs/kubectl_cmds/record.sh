#!/usr/bin/env bash
# Records what the real kubectl (v1.32, no cluster: --kubeconfig=/dev/null) prints for each line
# of cases.txt into recorded.txt: the command, its stdout+stderr (client-go's memcache log lines
# left out), and its exit status. Only lines kubectl answers without a server belong here (flag
# and validation errors, --help). tests/cmds_compare.rs runs each line in kubelab and compares.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$(mktemp -d)"
while IFS= read -r line; do
  echo "\$ $line"
  # shellcheck disable=SC2086
  out=$(${line} --kubeconfig=/dev/null 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v 'memcache.go'
  echo "[exit $rc]"
done < "$here/cases.txt" > "$here/recorded.txt"
