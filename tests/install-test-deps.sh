#!/usr/bin/env bash
# Installs what the test suite needs on a Debian machine (run as root):
#   rabbitmq-server (the real broker for the RabbitMq end-to-end tests)
#   chromium        (browser tests drive Debian's chromium through Playwright's ExecutablePath)
# Idempotent: packages already present are left alone.
set -euo pipefail

missing=()
command -v rabbitmq-server >/dev/null 2>&1 || missing+=(rabbitmq-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  echo "[deps] rabbitmq-server and chromium already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "[deps] need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "[deps] installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package's post-install may try to start the service; on machines without systemd
# that fails harmlessly. A policy-rc.d denying starts keeps it quiet and deterministic.
policy_created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  policy_created=1
fi
cleanup() { if [ "$policy_created" = 1 ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

for attempt in 1 2 3; do
  if $SUDO apt-get update -qq && \
     $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/gateway-apt-install.log 2>&1; then
    echo "[deps] installed: ${missing[*]}"
    exit 0
  fi
  echo "[deps] apt-get attempt $attempt failed; see /tmp/gateway-apt-install.log" >&2
  tail -n 20 /tmp/gateway-apt-install.log >&2 || true
  sleep $((attempt * 5))
done
echo "[deps] could not install: ${missing[*]}" >&2
exit 1
