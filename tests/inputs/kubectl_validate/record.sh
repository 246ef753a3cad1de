#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt into recorded.txt (tests/inputs/record_no_cluster.sh).
# The `--dry-run=server` lines show the fieldValidation query parameter kubectl sends.
# tests/kubectl_compare.rs compares kubelab with a live kubectl for the flag errors; this file
# keeps the answers for readers without one.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_no_cluster.sh" "$here"
