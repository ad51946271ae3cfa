#!/usr/bin/env bash
# Chromium and its driver for the browser tests (tests/WebPages.Tests, Selenium): Debian's chromium and chromium-driver,
# the same version by construction (a browser download of Selenium Manager's or Playwright's own cannot work here).
# Fonts so that screenshots show text. Idempotent: a second run only checks.
set -euo pipefail

browser=/usr/bin/chromium
driver=/usr/bin/chromedriver
packages=(chromium chromium-driver fonts-liberation)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ] || [ ! -x "$browser" ] || [ ! -x "$driver" ]; then
  echo "installing ${missing[*]:-chromium chromium-driver} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  # Other builds on the machine may hold apt's lock for a while: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

for binary in "$browser" "$driver"; do
  if [ ! -x "$binary" ]; then
    echo "$binary not found after installing ${packages[*]}" >&2
    exit 1
  fi
done

browser_version="$(dpkg-query -W -f='${Version}' chromium)"
driver_version="$(dpkg-query -W -f='${Version}' chromium-driver)"
if [ "$browser_version" != "$driver_version" ]; then
  echo "chromium $browser_version and chromium-driver $driver_version differ: apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "chromium + chromedriver $browser_version: $browser, $driver"
