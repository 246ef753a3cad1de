#!/usr/bin/env bash
# Records the real kubectl's help texts (v1.32.4): `kubectl --help` as kubectl.txt and, for
# every command and subcommand kubectl has, `kubectl PATH --help` as PATH.txt (words joined
# with '_', e.g. create_deployment.txt), exactly as kubectl writes them on its standard
# output. The list of commands is read from kubectl's own help (top-level groups, then each
# command's "Available Commands:"). src/kubectl/help.rs includes these files and prints the
# ones of the commands kubelab runs; tests/kubectl_compare.rs compares them with kubectl again
# when it is on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
LC_ALL=C
export LC_ALL
kubectl --help >"$here/kubectl.txt"
# Commands listed in a help text: the indented words of its command sections.
commands() {
  kubectl "$@" --help | awk '
    /^Available Commands:/ {on=1; next}
    /^[A-Z].*Commands.*:$/ {on=1; next}
    /^Usage:/ {on=0}
    /^$/ {if (on==1 && seen) on=0; next}
    on && /^  [a-z]/ {print $1; seen=1}'
}
record() {
  local name
  name=$(printf '%s' "$*" | tr ' ' '_')
  kubectl "$@" --help >"$here/$name.txt"
  local sub
  for sub in $(commands "$@"); do
    record "$@" "$sub"
  done
}
for c in $(kubectl --help | awk '/^  [a-z]/ && !/^  kubectl/ {print $1}'); do
  record "$c"
done
