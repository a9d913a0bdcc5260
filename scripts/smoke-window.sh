#!/usr/bin/env bash
# Smoke test of the real desktop window, driven over WebDriver.
#
# Starts Xvfb when there is no display, starts tauri-driver (which runs
# WebKitWebDriver, the driver for Tauri's WebKitGTK webview), opens the built
# app target/release/switchboard-app (or SMOKE_APP, e.g. the installed
# /usr/bin/switchboard-app) in a session and checks what a person would see
# first:
#   1. the page's h1 reads "Switchboard" (the UI loaded under the CSP);
#   2. the footer shows "Switchboard <version>", answered by the app_info
#      command (the IPC bridge and the capability that grants it work).
# Prints "smoke: N passed, M failed" and exits non-zero on any failure.
# SMOKE_SCREENSHOT=path.png also saves a screenshot of the screen (ImageMagick).
set -euo pipefail
SAY_AS=smoke
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

APP="${SMOKE_APP:-$ROOT/target/release/switchboard-app}"
PORT="${SMOKE_PORT:-4444}"
NATIVE_PORT="${SMOKE_NATIVE_PORT:-4445}"
URL="http://127.0.0.1:$PORT"
[ -x "$APP" ] || die "$APP is missing; build it with: cargo build --release -p switchboard-app (or install the package)"
command -v tauri-driver >/dev/null || die "tauri-driver not found; run scripts/setup.sh test"
[ -x /usr/bin/WebKitWebDriver ] || die "WebKitWebDriver not found; run scripts/setup.sh test"

WORK="$(mktemp -d)"
DRIVER_PID=""
SESSION=""
cleanup() {
    if [ -n "$SESSION" ]; then
        curl -s -m 10 -X DELETE "$URL/session/$SESSION" >/dev/null 2>&1 || true
    fi
    if [ -n "$DRIVER_PID" ]; then
        kill "$DRIVER_PID" 2>/dev/null || true
        wait "$DRIVER_PID" 2>/dev/null || true
    fi
    stop_display
    rm -rf "$WORK"
}
trap cleanup EXIT

# One WebDriver call: METHOD PATH [JSON BODY]; prints the answer.
wd() {
    local method="$1" path="$2" body="${3:-}"
    if [ -n "$body" ]; then
        curl -sS -m 60 -X "$method" -H 'Content-Type: application/json' -d "$body" "$URL$path"
    else
        curl -sS -m 60 -X "$method" "$URL$path"
    fi
}

# The string value of "key" in a flat JSON answer (WebDriver answers are small).
json_string() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# Waits up to 30 s for an element matching a CSS selector; prints its id.
find_element() {
    local selector="$1" answer id _
    for _ in $(seq 1 60); do
        answer="$(wd POST "/session/$SESSION/element" \
            "{\"using\":\"css selector\",\"value\":\"$selector\"}" || true)"
        id="$(printf '%s' "$answer" | json_string 'element-6066-11e4-a52e-4f735466cecf')"
        if [ -n "$id" ]; then
            printf '%s\n' "$id"
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# Waits up to 30 s for an element's text to be non-empty; prints it.
element_text() {
    local selector="$1" id text _
    id="$(find_element "$selector")" || return 1
    for _ in $(seq 1 60); do
        text="$(wd GET "/session/$SESSION/element/$id/text" | json_string value || true)"
        if [ -n "$text" ]; then
            printf '%s\n' "$text"
            return 0
        fi
        sleep 0.5
    done
    return 1
}

ensure_display
say "display $DISPLAY; starting tauri-driver on port $PORT"
tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" \
    --native-driver /usr/bin/WebKitWebDriver >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
for _ in $(seq 1 100); do
    curl -s -m 2 "$URL/status" >/dev/null 2>&1 && break
    kill -0 "$DRIVER_PID" 2>/dev/null || { cat "$WORK/driver.log" >&2; die "tauri-driver exited"; }
    sleep 0.2
done

answer="$(wd POST /session \
    "{\"capabilities\":{\"alwaysMatch\":{\"tauri:options\":{\"application\":\"$APP\"}}}}")"
SESSION="$(printf '%s' "$answer" | json_string sessionId)"
if [ -z "$SESSION" ]; then
    printf '%s\n' "$answer" >&2
    tail -n 20 "$WORK/driver.log" >&2
    die "could not open a WebDriver session on the app"
fi
say "session $SESSION opened on $APP"

passed=0
failed=0
check() {
    local name="$1" actual="$2" expected="$3"
    # shellcheck disable=SC2053 # $expected may be a glob (an unknown version)
    if [[ "$actual" == $expected ]]; then
        say "ok: $name ($actual)"
        passed=$((passed + 1))
    else
        say "FAILED: $name: expected '$expected', got '${actual:-nothing}'"
        failed=$((failed + 1))
    fi
}

check "the page heading reads Switchboard" "$(element_text h1 || true)" "Switchboard"
check "the footer shows the app_info answer" "$(element_text .app-info || true)" "Switchboard $(app_version)"

if [ -n "${SMOKE_SCREENSHOT:-}" ]; then
    sleep 3
    import -window root "$SMOKE_SCREENSHOT" && say "screenshot saved to $SMOKE_SCREENSHOT"
fi
if [ "$failed" -gt 0 ]; then
    tail -n 20 "$WORK/driver.log" >&2 || true
fi

echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
