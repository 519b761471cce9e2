#!/usr/bin/env bash
# The cluster (npm run cluster) and its tests put HAProxy in front of the replicas; install Debian's haproxy when missing and we may.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian.sh" haproxy "HAProxy (haproxy)" haproxy -v
