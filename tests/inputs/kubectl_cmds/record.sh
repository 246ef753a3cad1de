#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt (events, logs, cluster-info: flag and validation
# errors, help) into recorded.txt for tests/cmds_compare.rs (tests/inputs/record_no_cluster.sh).
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_no_cluster.sh" "$here"
