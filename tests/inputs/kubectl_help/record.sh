#!/usr/bin/env bash
# Records the real kubectl's help texts (v1.32.4) that kubelab prints for `kubectl COMMAND
# --help`: one file per command, COMMAND.txt, exactly as kubectl writes it on its standard
# output. src/frontend.rs includes these files; tests/kubectl_compare.rs compares them with
# kubectl again when it is on PATH.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for c in cp attach; do
  kubectl "$c" --help >"$here/$c.txt"
done
