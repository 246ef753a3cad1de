#!/usr/bin/env bash
# Records what the real kubectl (v1.32, offline: --dry-run=client needs no cluster) prints for
# each line of DIR/cases.txt into DIR/recorded.txt: the command, then its stdout, its stderr and
# its exit status, each block introduced by a marker line (`--- stdout`, `--- stderr`,
# `--- exit N`). Used by the record.sh of kubectl_gotemplate and kubectl_jsonpath; the tests
# read the recordings with tests/common/recorded.rs.
set -u
dir=$(cd "$1" && pwd)
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
done < "$dir/cases.txt" > "$dir/recorded.txt"
