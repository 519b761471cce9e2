#!/usr/bin/env bash
# The store tests start their own PostgreSQL 15 cluster; install Debian's package when missing and we may.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "PostgreSQL not found: installing Debian's postgresql package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  exit 0
fi
echo "PostgreSQL not found (no /usr/lib/postgresql/*/bin/initdb). Install it with: sudo apt-get install -y postgresql" >&2
exit 1
