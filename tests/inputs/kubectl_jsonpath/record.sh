#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt (`-o jsonpath`, its execution errors included)
# into recorded.txt for tests/jsonpath_compare.rs (format: tests/inputs/record_split.sh).
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_split.sh" "$here"
