#!/usr/bin/env bash
# Records what the real kubectl (v1.32, no cluster: --kubeconfig=/dev/null) prints for each line
# of cases.txt into recorded.txt: the command, its stdout+stderr (client-go's memcache log lines
# left out) and its exit status. Every case fails before kubectl would contact a server (usage,
# flag and taint-spec errors). tests/kubectl_nodes_compare.rs compares kubelab with this file,
# and with a live kubectl when one is on PATH.
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
