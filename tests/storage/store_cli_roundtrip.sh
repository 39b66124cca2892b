#!/usr/bin/env bash
# keystorm store import | export | stats on a fixture: the export must be the
# fixture byte for byte, and stats --check must pass.
# Usage: store_cli_roundtrip.sh KEYSTORM_BINARY FIXTURE.jsonl
set -euo pipefail
keystorm=$1
fixture=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$keystorm" store import --db "$dir/db" --in "$fixture"
"$keystorm" store export --db "$dir/db" --out "$dir/out.jsonl"
diff -u "$fixture" "$dir/out.jsonl"
"$keystorm" store stats --db "$dir/db" --exact --check | grep -q '"integrity":{"ok":true'
# A second import of the same records conflicts and fails.
if "$keystorm" store import --db "$dir/db" --in "$fixture" 2>/dev/null; then
  echo "re-import should have failed" >&2
  exit 1
fi
echo "store CLI round trip: ok"
