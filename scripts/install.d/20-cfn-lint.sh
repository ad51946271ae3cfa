#!/usr/bin/env bash
# cfn-lint (npm package) for the CloudFormation checks: installed into .tools/ (gitignored) beside the other npm
# tools. Idempotent: a second run only checks the installed version. The test and scripts/lint-cloudformation.sh run
# .tools/node_modules/.bin/cfn-lint.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Pinned so every machine lints with the same rules; bump deliberately.
package_version="1.9.7"
tools_dir=".tools"
binary="$tools_dir/node_modules/.bin/cfn-lint"

installed_version=""
if [ -f "$tools_dir/node_modules/cfn-lint/package.json" ]; then
  installed_version="$(node -p "require('./$tools_dir/node_modules/cfn-lint/package.json').version" 2>/dev/null || true)"
fi

if [ "$installed_version" != "$package_version" ] || [ ! -x "$binary" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "installing node and npm (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nodejs npm >/dev/null
  fi
  echo "installing cfn-lint@$package_version into $tools_dir/"
  mkdir -p "$tools_dir"
  [ -f "$tools_dir/package.json" ] || echo '{"name":"eventdriven-tools","private":true}' > "$tools_dir/package.json"
  npm install --prefix "$tools_dir" --no-audit --no-fund --loglevel=error "cfn-lint@$package_version" >/dev/null
fi

if [ ! -x "$binary" ]; then
  echo "cfn-lint not found at $binary after installing cfn-lint@$package_version" >&2
  exit 1
fi
echo "cfn-lint $package_version: $binary"
