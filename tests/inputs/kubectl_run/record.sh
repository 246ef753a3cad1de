#!/usr/bin/env bash
# Records what the real kubectl (v1.32) prints for each line of cases.txt into recorded.txt:
# the command line, its stdout+stderr, and its exit status.
#
# kubectl run and expose look up their kinds in the server's discovery documents even with
# --dry-run=client, so the recording runs against fake_apiserver.py (discovery only, plus
# read-only GETs of files/*.json; every write is refused): only the client-side forms
# (--dry-run=client, --local, -f files, usage and flag errors) are recorded. The lines run
# from files/ (the manifests they name). tests/kubectl_run.rs replays every line in kubelab
# and requires the same bytes and exit status.
set -u
here=$(cd "$(dirname "$0")" && pwd)
port=18765
tmp=$(mktemp -d)
cat > "$tmp/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- cluster: {server: "http://127.0.0.1:$port"}
  name: fake
contexts:
- context: {cluster: fake, user: u, namespace: default}
  name: fake
current-context: fake
users:
- name: u
  user: {}
KC
python3 "$here/fake_apiserver.py" "$port" "$here/files" &
server=$!
trap 'kill "$server"' EXIT
sleep 1
export KUBECONFIG="$tmp/kubeconfig"
cd "$here/files"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  case "$line" in \#*) continue ;; esac
  echo "\$ $line"
  out=$(eval "$line" 2>&1 < /dev/null)
  rc=$?
  printf '%s\n' "$out" | sed -E 's/^([EWI][0-9]{4} [0-9:.]+ +)[0-9]+ /\11000 /'
  echo "[exit $rc]"
done < "$here/cases.txt" > "$here/recorded.txt"
