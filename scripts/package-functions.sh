#!/usr/bin/env bash
# Publishes the Functions project as a Lambda deployment package: artifacts/functions.zip, for the .NET managed
# runtime (dotnet10) with the handlers in Functions/FunctionHandlers.cs. Framework-dependent and portable (the runtime
# provides .NET and ASP.NET Core), so the same zip runs on x86_64 and arm64.
# Usage: bash scripts/package-functions.sh    (then upload artifacts/functions.zip to the CodeBucket/CodeKey of
#        cloudformation/functions.yaml)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v zip >/dev/null 2>&1; then
  echo "installing zip (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq zip >/dev/null
fi

publish_dir="artifacts/functions"
package="artifacts/functions.zip"
rm -rf "$publish_dir" "$package"
mkdir -p artifacts

dotnet publish Functions -c Release -o "$publish_dir" --nologo --verbosity quiet
# The local scheduler's copy of the template is not needed in Lambda (EventBridge holds the rules there).
rm -rf "$publish_dir/cloudformation"

for required in EventDriven.Functions.dll EventDriven.Functions.deps.json EventDriven.Functions.runtimeconfig.json; do
  if [ ! -f "$publish_dir/$required" ]; then
    echo "package-functions: $required is missing from $publish_dir" >&2
    exit 1
  fi
done

# Sorted entries and no extra attributes: the same build gives the same file list.
(cd "$publish_dir" && find . -type f | LC_ALL=C sort | zip -q -X -@ "../functions.zip")
echo "$package: $(du -h "$package" | cut -f1), $(unzip -l "$package" | tail -1 | awk '{print $2}') files"
echo "handlers (Functions/FunctionHandlers.cs):"
grep -oE 'Assembly \+ "::[^"]+"' Functions/FunctionHandlers.cs | sed 's/^Assembly + "/  EventDriven.Functions/; s/"$//'
