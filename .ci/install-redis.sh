#!/usr/bin/env bash
# Install Debian's redis-server when it is not on PATH.
#
# The Redis tests start a real redis-server on a free loopback port; CI machines
# may be fresh, so .ci/run calls this before pytest. Idempotent: a machine that
# already has redis-server returns at once without touching apt.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null

# Debian's package may start a system service on port 6379; the tests never use
# it, so stop it when a service manager is there (best effort).
if command -v service >/dev/null 2>&1; then
    $SUDO service redis-server stop >/dev/null 2>&1 || true
fi

command -v redis-server >/dev/null 2>&1 || {
    echo "install-redis.sh: redis-server still not on PATH after apt-get install" >&2
    exit 1
}
