#!/usr/bin/env bash
# Records what the real kubectl (v1.32, no cluster: --kubeconfig=/dev/null, so requests go to
# localhost:8080 and are refused) prints for each line of cases.txt into recorded.txt: the
# command, its stdout+stderr (client-go's memcache log lines left out), and its exit status.
# The `--dry-run=server` lines show the fieldValidation query parameter kubectl sends.
# tests/kubectl_compare.rs compares kubelab with a live kubectl for the flag errors; this file
# keeps the answers for readers without one.
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
