#!/usr/bin/env bash
# RabbitMQ for the distributed tests and benchmark: Debian's rabbitmq-server (3.10, Erlang from Debian).
# Only installs; it does not start a node. Tests and the benchmark start private nodes on free ports
# (tests/TestSupport/RabbitMqNode.cs). Idempotent: a second run only checks.
set -euo pipefail

if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "installing rabbitmq-server (apt)"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package's service from starting a default node on 5672 where a service manager exists.
  apt-get update -qq
  apt-get install -y -qq rabbitmq-server >/dev/null
fi

# Debian's package may start (and enable) the default node; the tests need no shared node, so leave it stopped.
if command -v rabbitmqctl >/dev/null 2>&1 && rabbitmqctl -q -n rabbit@localhost status >/dev/null 2>&1; then
  echo "note: a default rabbitmq node is running; the tests do not use it (they start private nodes)"
fi

echo "rabbitmq-server: $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo installed)"
