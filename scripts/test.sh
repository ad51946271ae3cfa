#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds, and runs every test project.
# Servers the tests need (DynamoDB Local, RabbitMQ) are started by the tests themselves on free ports.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

echo "==> dotnet build"
dotnet build EventDriven.sln --no-restore -c Release --verbosity quiet -nologo

results_dir="$(mktemp -d)"
log="$results_dir/test.log"
echo "==> dotnet test"
set +e
# One test project at a time: the real-process tests (RabbitMQ, DynamoDB Local, workers) have time limits that
# two cores shared with other suites would make flaky.
dotnet test EventDriven.sln --no-build -c Release --verbosity quiet -nologo -m:1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over every test project.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
