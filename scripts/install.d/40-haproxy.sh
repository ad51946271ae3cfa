#!/usr/bin/env bash
# HAProxy for the specs that put a real appending proxy (option forwardfor) in front of the API on loopback
# (tests/Producers.Tests/AppendingProxy.cs) and for the rolling-restart spec's load balancer in front of two API
# processes (round robin, health-checked on /health/ready like the ALB; tests/TestSupport/HaProxy.cs). Only installs;
# the tests start their own haproxy processes on free ports. Idempotent: a second run only checks.
set -euo pipefail

if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  echo "installing haproxy (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq haproxy >/dev/null
  # The package's own service (port 80 config) is not what the tests use.
  (systemctl stop haproxy 2>/dev/null || service haproxy stop 2>/dev/null || true) >/dev/null 2>&1
fi

echo "haproxy: $(dpkg-query -W -f='${Version}' haproxy 2>/dev/null || echo installed)"
