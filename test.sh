#!/usr/bin/env bash
# Installs prerequisites, builds, runs every test project, and ends with one line: N passed, N failed[, N skipped].
set -uo pipefail
cd "$(dirname "$0")"
./edge-mlops setup || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test EdgeMlops.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$results/out.txt"
status=${PIPESTATUS[0]}

# One summary line per test assembly, e.g. "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total: ..."
sum() { grep -E '^(Passed|Failed)!' "$results/out.txt" | sed -nE "s/.*$1: +([0-9]+).*/\1/p" | awk '{s+=$1} END {print s+0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
assemblies=$(grep -cE '^(Passed|Failed)!' "$results/out.txt")
# A crashed or unbuilt test assembly prints no summary line; a non-zero exit with no counted failure is one failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "test assemblies: $assemblies"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
