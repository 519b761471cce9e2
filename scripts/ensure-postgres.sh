#!/usr/bin/env bash
# The store tests start their own PostgreSQL clusters; install Debian's postgresql when missing and we may.
set -euo pipefail
exec bash "$(dirname "$0")/ensure-debian.sh" postgresql "PostgreSQL (/usr/lib/postgresql/*/bin/initdb)" bash -c 'ls /usr/lib/postgresql/*/bin/initdb'
