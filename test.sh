#!/usr/bin/env bash
# Installs prerequisites, builds, runs every test project, and ends with one line: N passed, N failed[, N skipped].
set -uo pipefail
cd "$(dirname "$0")"
./edge-mlops setup || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# Each test assembly writes a TRX report; its <Counters> element is what we add up.
dotnet test EdgeMlops.sln -c Release --no-build -nologo --results-directory "$results" \
  --logger "trx" --logger "console;verbosity=minimal"
status=$?

count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" | awk '{s+=$1} END {print s+0}'; }
passed=$(count passed); failed=$(count failed); notrun=$(count notExecuted)
reports=$(ls "$results"/*.trx 2>/dev/null | wc -l)
# A test host that crashed writes no report; a non-zero exit with no counted failure is still one failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "test reports: $reports"
line="$passed passed, $failed failed"
[ "$notrun" -gt 0 ] && line="$line, $notrun skipped"
echo "$line"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
