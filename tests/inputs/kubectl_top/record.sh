#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt (top and autoscale: flag and validation errors,
# help) into recorded.txt for tests/top_compare.rs (tests/inputs/record_no_cluster.sh).
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_no_cluster.sh" "$here"
