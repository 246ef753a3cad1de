#!/usr/bin/env bash
# Records what the real kubectl (v1.32, offline: --dry-run=client needs no cluster) prints for
# each line of cases.txt into recorded.txt: the command, its stdout, its stderr and its exit
# status, each block introduced by a marker line. tests/jsonpath_compare.rs compares kubelab
# with these answers, and with a live kubectl when one is on PATH.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cd "$work"
export HOME="$work" KUBECONFIG="$work/config"
while IFS= read -r line; do
  echo "\$ $line"
  sh -c "$line" >"$work/out" 2>"$work/err"
  rc=$?
  echo "--- stdout"
  cat "$work/out"
  echo "--- stderr"
  cat "$work/err"
  echo "--- exit $rc"
done < "$here/cases.txt" > "$here/recorded.txt"
