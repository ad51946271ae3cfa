#!/usr/bin/env bash
# Installs everything the tests need (apt packages, npm packages, NuGet restore). Idempotent: a second run is quick.
# Each capability adds its own step as scripts/install.d/NN-name.sh; they run in order.
set -euo pipefail
cd "$(dirname "$0")/.."

for step in scripts/install.d/*.sh; do
  [ -e "$step" ] || continue
  echo "==> $step"
  bash "$step"
done

echo "==> dotnet restore"
dotnet restore EventDriven.sln --verbosity quiet
