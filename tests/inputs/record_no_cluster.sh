#!/usr/bin/env bash
# Records what the real kubectl (v1.32, no cluster: --kubeconfig=/dev/null, so requests go to
# localhost:8080 and are refused) prints for each line of DIR/cases.txt into DIR/recorded.txt:
# the command, its stdout+stderr (client-go's memcache log lines left out), and `[exit N]`.
# Only lines kubectl answers without a server belong there (flag and validation errors,
# --help). Used by the record.sh of kubectl_cmds and kubectl_validate.
set -u
dir=$(cd "$1" && pwd)
cd "$(mktemp -d)"
while IFS= read -r line; do
  echo "\$ $line"
  # shellcheck disable=SC2086
  out=$(${line} --kubeconfig=/dev/null 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v 'memcache.go'
  echo "[exit $rc]"
done < "$dir/cases.txt" > "$dir/recorded.txt"
