#!/usr/bin/env bash
# Records what the real tools print for each line of cases-KIND.txt into KIND.recorded, which
# tests/fs_compare.rs replays against kubelab's builtins. KIND is `gnu` (GNU coreutils, bash)
# or `busybox` (busybox's applets first on the PATH: `apt-get install busybox`).
# Each case runs as root in a new empty directory, after setup.sh, with NOW the recording's
# Unix time (kubelab's clock is set to it), TZ=UTC and LC_ALL=C.UTF-8.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kind=$1
now=$(date +%s)
setup=$(cat "$here/setup.sh")
bb=$(mktemp -d)
if [ "$kind" = busybox ]; then
  busybox --install -s "$bb"
  pre="PATH=$bb:\$PATH; "
else
  pre=""
fi
# Lines of FILE prefixed with MARK; a last line without its newline is followed by `%`.
prefix() {
  [ -s "$2" ] || return 0
  sed "s/^/$1/" "$2"
  [ -n "$(tail -c1 "$2")" ] && { echo; echo "%"; }
  return 0
}
{
  echo "now $now"
  while IFS= read -r line; do
    case "$line" in "" | "#"*) continue ;; esac
    dir=$(mktemp -d)
    (cd "$dir" && NOW=$now TZ=UTC LC_ALL=C.UTF-8 bash -c "$setup
$pre$line" >"$dir.out" 2>"$dir.err"; echo $? >"$dir.st")
    echo "=== $line"
    prefix "> " "$dir.out"
    prefix "! " "$dir.err"
    echo "--- status $(cat "$dir.st")"
    rm -rf "$dir" "$dir.out" "$dir.err" "$dir.st"
  done <"$here/cases-$kind.txt"
} >"$here/$kind.recorded"
rm -rf "$bb"
