#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds, and runs every test project.
# Servers the tests need (DynamoDB Local, RabbitMQ) are started by the tests themselves on free ports.
# Arguments go to `dotnet test` (e.g. --filter, or CodeBuild's --logger trx --results-directory DIR).
# At the end: each failing test with its error message and stack trace (read from the run's TRX files), where the full
# log and the TRX files are, and one line "tests: N passed, N failed, N skipped" (other tools grep it: keep it last).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

echo "==> dotnet build"
dotnet build EventDriven.sln --no-restore -c Release --verbosity quiet -nologo

results_dir="$(mktemp -d)"
log="$results_dir/test.log"

# The failure details come from TRX files, so there is always a trx logger. It goes first: a trx logger among the
# caller's arguments replaces it (the last one of a name wins) and its files are read instead. dotnet test refuses a
# second --results-directory, so ours is added only when the caller gave none.
trx_args=(--logger trx)
caller_results_dir=false
for arg in "$@"; do
  case "$arg" in --results-directory | --results-directory=*) caller_results_dir=true ;; esac
done
if [ "$caller_results_dir" = false ]; then
  trx_args+=(--results-directory "$results_dir")
fi

echo "==> dotnet test"
set +e
# One test project at a time: the real-process tests (RabbitMQ, DynamoDB Local, workers) have time limits that
# two cores shared with other suites would make flaky.
dotnet test EventDriven.sln --no-build -c Release --verbosity quiet -nologo -m:1 "${trx_args[@]}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# This run's TRX files, as the trx logger announced them (wherever the caller put them), else those in our directory.
mapfile -t trx_files < <(sed -n 's/^ *Results File: \(.*\.trx\)$/\1/p' "$log" | sort -u)
if [ "${#trx_files[@]}" -eq 0 ]; then
  mapfile -t trx_files < <(find "$results_dir" -name '*.trx' | sort)
fi

if [ "${#trx_files[@]}" -gt 0 ]; then
  # Every failed result: full name, error message, stack trace; and run-level errors (e.g. a test host that crashed).
  python3 - "${trx_files[@]}" <<'PY' || echo "(could not read the TRX files; the failing tests' details are in them)"
import sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def indented(text, prefix="    "):
    return "\n".join(prefix + line for line in (text or "").rstrip().splitlines()) or prefix + "(none)"


failures, run_errors = [], []
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        run_errors.append((path, f"unreadable TRX file: {e}"))
        continue
    classes = {u.get("id"): (u.find("t:TestMethod", ns).get("className") or "")
               for u in root.iterfind(".//t:TestDefinitions/t:UnitTest", ns) if u.find("t:TestMethod", ns) is not None}
    for result in root.iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") != "Failed":
            continue
        name, cls = result.get("testName") or "?", classes.get(result.get("testId"), "")
        if cls and not name.startswith(cls + "."):
            name = f"{cls}.{name}"
        info = result.find("t:Output/t:ErrorInfo", ns)
        message = info.findtext("t:Message", default="", namespaces=ns) if info is not None else ""
        stack = info.findtext("t:StackTrace", default="", namespaces=ns) if info is not None else ""
        failures.append((name, message, stack, path))
    for run_info in root.iterfind(".//t:ResultSummary/t:RunInfos/t:RunInfo", ns):
        text = run_info.findtext("t:Text", default="", namespaces=ns)
        # xUnit echoes each failure to stderr ("[xUnit.net ...] Name [FAIL]"), which the TRX keeps as a run error: the
        # failed results above already say it. What is left is the run's own trouble, e.g. a test host that crashed.
        if run_info.get("outcome") in ("Error", "Failed") and not text.lstrip().startswith("[xUnit.net "):
            run_errors.append((path, text))

if failures:
    print(f"==> {len(failures)} failed test(s)")
    for name, message, stack, path in failures:
        print(f"--- {name}")
        print("  Error message:")
        print(indented(message))
        print("  Stack trace:")
        print(indented(stack))
        print(f"  (TRX: {path})")
if run_errors:
    print(f"==> {len(run_errors)} test run error(s)")
    for path, text in run_errors:
        # A crashed host's text is its whole stack (often 100+ lines), already in the log above: the top says what happened.
        lines = text.rstrip().splitlines()
        print(f"--- {path}")
        print(indented("\n".join(lines[:25])))
        if len(lines) > 25:
            print(f"    ... {len(lines) - 25} more line(s) in the TRX file and the full log")
PY
fi

echo "full log: $log"
for trx in "${trx_files[@]}"; do
  echo "TRX: $trx"
done

# One closing line for the whole run, summed over every test project. A run with no count line at all (every project
# filtered out, or its test host crashed) is 0: grep finding nothing must not end the script (pipefail) before this line.
count() { { grep -Eo "$1: +[0-9]+" "$log" || true; } | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
