#!/usr/bin/env bash
# Records kubectl v1.32's answers to cases.txt (`-o go-template` and friends) into recorded.txt
# for tests/gotemplate_compare.rs (format: tests/inputs/record_split.sh).
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../record_split.sh" "$here"
