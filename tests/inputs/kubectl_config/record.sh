#!/usr/bin/env bash
# Records what the real kubectl (v1.32) prints for each line of cases.txt into recorded.txt:
# the command line, its stdout+stderr, and its exit status. The lines run one after the other
# on one kubeconfig (each may change it), which starts as kubelab's default kubeconfig
# (kubeconfig.yaml: kubeadm's admin.conf with kubelab's simulated certificate data).
# `kubectl config` never talks to a server, so no cluster is needed.
# tests/kubectl_config.rs replays the lines in one kubelab session and requires the same bytes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.kube"
cp "$here/kubeconfig.yaml" "$tmp/.kube/config"
# The kubeconfig is ~/.kube/config, as on kubelab's workstation (/home/student).
export HOME="$tmp"
unset KUBECONFIG
cd "$tmp"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  case "$line" in \#*) continue ;; esac
  echo "\$ $line"
  out=$(eval "$line" 2>&1 < /dev/null)
  rc=$?
  printf '%s\n' "$out" | sed "s#$tmp#/home/student#g"
  echo "[exit $rc]"
done < "$here/cases.txt" > "$here/recorded.txt"
