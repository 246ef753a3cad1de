#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt into recorded.txt (tests/inputs/record_no_cluster.sh).
# Every case fails before kubectl would contact a server (usage, flag and taint-spec errors).
# tests/kubectl_nodes_compare.rs compares kubelab with this file, and with a live kubectl when
# one is on PATH.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_no_cluster.sh" "$here"
