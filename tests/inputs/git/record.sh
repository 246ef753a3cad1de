#!/bin/bash
# Records what the installed git prints for `git clone` against a local bare repository (the
# messages kubelab's in-world git host reuses): success, an existing destination, an unknown
# branch, argument errors and git clone's usage text. Usage: tests/inputs/git/record.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
git init -q -b master src && (cd src && mkdir -p a && echo hi > a/f && git add . &&
  git -c user.email=a@b -c user.name=a commit -qm x && git branch release-1.7)
git clone -q --bare src bare.git
url=file://$tmp/bare.git
{
  for c in "clone --single-branch --branch release-1.7 $url rook" \
           "clone --single-branch --branch release-1.7 $url rook" \
           "clone --branch nope $url x" "clone" "clone a b c" "clone --depth x $url y" \
           "clone --bogus $url"; do
    echo "\$ git ${c//$tmp/TMP}"
    git $c 2>&1 | sed "s#$tmp#TMP#g"
    echo "exit ${PIPESTATUS[0]}"
  done
} > "$here/clone.out"
git clone --bogus x 2>&1 | sed -n '2,$p' > "$here/../../../src/workstation/git_clone_usage.txt"
git --version > "$here/version.txt"
