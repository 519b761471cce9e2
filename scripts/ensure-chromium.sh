#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (or CHROMIUM_PATH); install it when missing and we may.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
exec bash "$(dirname "$0")/ensure-debian.sh" chromium "Chromium at $CHROMIUM (or point CHROMIUM_PATH at one)" test -x "$CHROMIUM"
