#!/usr/bin/env bash
# Records what the real kubectl (v1.32, offline: no kubeconfig, so nothing reaches a server)
# prints for each line of cases.txt into recorded.txt: the command line, its stdout, its stderr
# and its exit status. Each line runs through `sh -c` in a copy of files/ (the certificates and
# keys of the `secret tls` cases, made once with openssl). tests/kubectl_create.rs replays every
# case in kubelab (the same files written into its workstation) and compares byte for byte,
# without needing kubectl. klog lines (`E1207 18:24:56.090627    8677 run.go:72] ...`, for
# required flags) carry the time and process id: the test compares them from `run.go` on.
set -u
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cp -r "$here/files/." "$work/"
export HOME="$work/home" KUBECONFIG="$work/home/config"
mkdir -p "$HOME"
cd "$work"
while IFS= read -r line; do
  sh -c "$line" >"$work/.out" 2>"$work/.err"
  rc=$?
  echo "=== \$ $line"
  for f in out err; do
    # A stream that does not end in a newline is marked `(no final newline)` and gets one.
    if [ -s "$work/.$f" ] && [ -n "$(tail -c 1 "$work/.$f")" ]; then
      echo "--- std$f (no final newline)"
      cat "$work/.$f"
      echo
    else
      echo "--- std$f"
      cat "$work/.$f"
    fi
  done
  echo "--- exit $rc"
done < "$here/cases.txt" > "$here/recorded.txt"
rm -rf "$work"
