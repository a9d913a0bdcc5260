# shellcheck shell=bash
# Shared settings for the scripts in this folder; sourced, not run.
#
# The tools the build needs (trunk, wasm-bindgen, tauri-driver, wasm-opt) go
# into one root outside the work tree, so that a fresh clone on the same
# machine (as CI makes) reuses them instead of spending ~15 minutes building
# them again. Override the place with SWITCHBOARD_TOOLS.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SWITCHBOARD_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/tools}"
# Which rustc builds the wasm32 UI: "rustup" or "debian" (see setup.sh).
WASM_CHOICE_FILE="$TOOLS/wasm-toolchain"
# shellcheck disable=SC2034 # used by the scripts that source this file
WASM_OPT="$TOOLS/node/node_modules/.bin/wasm-opt"
export PATH="$TOOLS/bin:$PATH"

# The app's version, as the top-level Cargo.toml gives it.
app_version() {
    sed -n '/^version = "\(.*\)"$/{s//\1/p;q}' "$ROOT/Cargo.toml"
}

# Where scripts/package.sh leaves the package of KIND (deb or rpm) for
# VERSION, relative to the work tree.
package_path() {
    case "$1" in
        deb) echo "target/release/bundle/deb/Switchboard_$2_amd64.deb" ;;
        rpm) echo "target/release/bundle/rpm/Switchboard-$2-1.x86_64.rpm" ;;
        *) die "unknown package kind $1 (deb or rpm)" ;;
    esac
}

# Prints "label: message" so the output of every script says who speaks.
say() {
    printf '%s: %s\n' "${SAY_AS:-$(basename "$0" .sh)}" "$*"
}

die() {
    say "error: $*" >&2
    exit 1
}

# A clear header before each stage of a longer script.
stage() {
    printf '\n==== %s ====\n' "$*"
}

# Sets the environment that builds the UI for wasm32 with the toolchain
# setup.sh chose. Debian's rustc-web has no prebuilt wasm32 std, so std is
# built from the source in rust-web-src (which needs RUSTC_BOOTSTRAP).
#
# Where std's source is at hand (always with Debian's; with rustup when its
# rust-src component could be installed) std is built with the UI, for size
# (issue 18): std's optimize_for_size algorithms and the immediate-abort
# panic strategy, which drops the panic machinery and its messages (a panic
# in the window was already fatal: panic = "abort"; now it only stops
# without writing the message to the developer console). Without the source
# the UI builds with the prebuilt std, about 23 KB bigger gzipped.
# UI_SIZE_FLAGS=0 builds without them (e.g. to read a panic's message).
wasm_env() {
    local choice
    choice="$(cat "$WASM_CHOICE_FILE" 2>/dev/null || true)"
    case "$choice" in
        rustup) ;;
        debian)
            export RUSTC=/usr/bin/rustc
            export CARGO=/usr/bin/cargo
            export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-16/bin/wasm-ld
            # trunk runs plain `cargo`; make that Debian's cargo too.
            mkdir -p "$TOOLS/debian-cargo"
            ln -sf /usr/bin/cargo "$TOOLS/debian-cargo/cargo"
            export PATH="$TOOLS/debian-cargo:$PATH"
            ;;
        *) die "no wasm32 toolchain chosen yet; run scripts/setup.sh first" ;;
    esac
    local sysroot
    sysroot="$("${RUSTC:-rustc}" --print sysroot)"
    if [ "$choice" = debian ] || { [ "${UI_SIZE_FLAGS:-1}" != 0 ] && [ -d "$sysroot/lib/rustlib/src/rust/library/std" ]; }; then
        export RUSTC_BOOTSTRAP=1
        export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
        if [ "${UI_SIZE_FLAGS:-1}" != 0 ]; then
            export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
            export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
        fi
    fi
    # The UI has its own target dir: a different rustc changes every
    # fingerprint and would make a shared one rebuild each time.
    export CARGO_TARGET_DIR="$ROOT/ui/target"
}

# Makes sure there is a display to open windows on. With neither DISPLAY nor
# WAYLAND_DISPLAY set (a headless machine, CI), starts Xvfb on :99 (or the next
# free number) and exports DISPLAY; XVFB_PID is then the server to stop.
XVFB_PID=""
ensure_display() {
    if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
        return 0
    fi
    command -v Xvfb >/dev/null || die "no display and no Xvfb; run scripts/setup.sh"
    local n=99
    while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
        n=$((n + 1))
    done
    say "no display: starting Xvfb :$n (1280x800)"
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    XVFB_PID=$!
    local _
    for _ in $(seq 1 50); do
        [ -e "/tmp/.X11-unix/X$n" ] && break
        kill -0 "$XVFB_PID" 2>/dev/null || die "Xvfb :$n did not start"
        sleep 0.1
    done
    [ -e "/tmp/.X11-unix/X$n" ] || die "Xvfb :$n did not open its socket"
    export DISPLAY=":$n"
}

stop_display() {
    if [ -n "$XVFB_PID" ]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
        XVFB_PID=""
    fi
}
