#!/usr/bin/env bash
# berth's main job on a fresh Debian 12 host, as root: install what is
# missing, build, start berthd in the background, make a busybox image
# offline from the host's static busybox (imported through berth's own
# import path), and run a container from it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

SOCK=${BERTH_SOCKET:-/run/berth/berth.sock}
export BERTH_HOST="unix://$SOCK"
BERTH="node dist/src/cli/main.js"

if ! $BERTH version >/dev/null 2>&1; then
  mkdir -p /var/log/berth
  echo "quickstart: starting berthd (log: /var/log/berth/berthd.log)" >&2
  setsid node --initial-old-space-size=64 dist/src/daemon/main.js -H "unix://$SOCK" </dev/null >>/var/log/berth/berthd.log 2>&1 &
  for _ in $(seq 1 100); do
    $BERTH version >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

if ! $BERTH image inspect busybox:latest >/dev/null 2>&1; then
  echo "quickstart: importing busybox:latest from the host's static busybox" >&2
  bash scripts/busybox-rootfs.sh | $BERTH import --change 'CMD ["sh"]' - busybox:latest >/dev/null
fi

$BERTH run --rm busybox echo hello from berth
