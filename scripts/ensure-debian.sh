#!/usr/bin/env bash
# Makes sure a Debian package the tests need is there: when the check fails,
# installs the package if we are root with apt-get, else says how to.
# usage: ensure-debian.sh <package> <what is missing> <check command...>
set -euo pipefail
package=$1
what=$2
shift 2
if "$@" >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "$what not found: installing Debian's $package package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  exit 0
fi
echo "$what not found. Install it with: sudo apt-get install -y $package" >&2
exit 1
