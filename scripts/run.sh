#!/usr/bin/env bash
# Builds Switchboard and opens its window: the one command to try the app.
#
# Installs what is missing (scripts/setup.sh run), builds the UI
# (scripts/build-ui.sh) and the app in release mode, then starts it. On a
# headless machine (no DISPLAY, no WAYLAND_DISPLAY) it starts Xvfb first.
# Each step is skipped quickly when nothing changed.
set -euo pipefail
SAY_AS=run
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash scripts/setup.sh run
bash scripts/build-ui.sh
say "cargo build --release -p switchboard-app"
nice -n 10 cargo build --release -p switchboard-app

ensure_display
say "starting target/release/switchboard-app on ${DISPLAY:-$WAYLAND_DISPLAY}"
if [ -z "$XVFB_PID" ]; then
    exec target/release/switchboard-app "$@"
fi
# On the Xvfb this script started: stop both when either ends.
target/release/switchboard-app "$@" &
APP_PID=$!
trap 'kill "$APP_PID" 2>/dev/null || true; stop_display' EXIT
trap 'exit 130' INT TERM
wait "$APP_PID"
