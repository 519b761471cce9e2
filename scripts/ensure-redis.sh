#!/usr/bin/env bash
# The batch queue tests start their own Redis servers; install Debian's redis-server when missing and we may.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian.sh" redis-server "Redis (redis-server)" redis-server --version
