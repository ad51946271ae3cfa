#!/usr/bin/env bash
# HAProxy for the rolling-restart spec and the fleet benchmark: Debian's haproxy, the load balancer in front of two API
# processes (round robin, health-checked on /health/ready like the ALB). Only installs; tests start private instances
# on free ports (tests/TestSupport/HaProxy.cs). Idempotent: a second run only checks.
set -euo pipefail

if ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  echo "installing haproxy (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq haproxy >/dev/null
fi

echo "haproxy: $(dpkg-query -W -f='${Version}' haproxy 2>/dev/null || echo installed)"
