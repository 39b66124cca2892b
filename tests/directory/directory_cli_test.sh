#!/usr/bin/env bash
# keystorm directory import | export | show on fixtures: counts, idempotence,
# a malformed file refused with line numbers and nothing written, the
# export importing back unchanged, and show's decision on a mapped group.
# Usage: directory_cli_test.sh KEYSTORM_BINARY TESTDATA_DIR
set -euo pipefail
keystorm=$1
data=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "directory CLI: $*" >&2; exit 1; }

out=$("$keystorm" directory import "$data/users.csv" --db "$dir/db" --mapping "$data/policy.toml")
[[ $out == '{"created":3,"updated":0,"unchanged":0,"removed":0,"applied":true,"mapped":1}' ]] ||
  fail "first import: $out"
out=$("$keystorm" directory import "$data/users.csv" --db "$dir/db")
[[ $out == '{"created":0,"updated":0,"unchanged":3,"removed":0,"applied":true}' ]] ||
  fail "second import: $out"

if "$keystorm" directory import "$data/bad.jsonl" --db "$dir/db" 2>"$dir/err"; then
  fail "a malformed file was accepted"
fi
grep -q 'bad.jsonl:2: "groups" must be an array of strings' "$dir/err" || fail "no line 2 error: $(cat "$dir/err")"
grep -q 'bad.jsonl:4: user zoe is already on line 1' "$dir/err" || fail "no line 4 error: $(cat "$dir/err")"
"$keystorm" directory export --db "$dir/db" --out "$dir/export.jsonl" 2>/dev/null
[[ $(wc -l <"$dir/export.jsonl") -eq 3 ]] || fail "the refused file wrote something"
if grep -q '"zoe"' "$dir/export.jsonl"; then fail "zoe was written"; fi

out=$("$keystorm" directory import "$dir/export.jsonl" --db "$dir/db")
[[ $out == *'"unchanged":3'* ]] || fail "export does not import back unchanged: $out"

out=$("$keystorm" directory show fiona --db "$dir/db" --policy "$data/policy.toml")
[[ $out == *'"effective_groups":["finance","jira-users"]'* ]] || fail "show fiona: $out"
[[ $out == *'"rule":"finance-portal"'* ]] || fail "show fiona decision: $out"
set +e
"$keystorm" directory show nobody --db "$dir/db" 2>/dev/null
[[ $? -eq 2 ]] || fail "show of an unknown user should exit 2"
set -e
echo "directory CLI: ok"
