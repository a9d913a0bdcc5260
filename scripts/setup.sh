#!/usr/bin/env bash
# Installs what Switchboard needs on a Debian 12 machine, and nothing twice.
#
#   scripts/setup.sh [run|package|test]
#
# run  (default): what building and running the desktop app needs.
# package       : that plus tauri-cli, which builds the .deb and .rpm
#                 (scripts/package.sh) and the icons (scripts/make-icons.sh).
# test          : all of that plus what scripts/test.sh needs (WebDriver,
#                 keyring, PostgreSQL, ImageMagick, rpm to inspect the .rpm,
#                 sudo for the updater's package install).
# SWITCHBOARD_WASM_TOOLCHAIN=debian forces the Debian wasm32 fallback.
#
# Every step checks first and prints one line saying what it found or did,
# so a run on a ready machine takes a few seconds.
set -euo pipefail
SAY_AS=setup
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODE="${1:-run}"
case "$MODE" in
    run | package | test) ;;
    *) die "usage: scripts/setup.sh [run|package|test]" ;;
esac
mkdir -p "$TOOLS/bin"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
T0=$SECONDS

# ---- wasm32 toolchain ------------------------------------------------------
# Decided first: it tells whether Debian's fallback packages are needed.
wasm_choice=""
if [ -n "${SWITCHBOARD_WASM_TOOLCHAIN:-}" ]; then
    # Forced, e.g. to try the fallback on a machine where rustup works.
    wasm_choice="$SWITCHBOARD_WASM_TOOLCHAIN"
    [ "$wasm_choice" = rustup ] || [ "$wasm_choice" = debian ] \
        || die "SWITCHBOARD_WASM_TOOLCHAIN must be rustup or debian"
    if [ "$wasm_choice" = rustup ]; then
        rustup target add wasm32-unknown-unknown >/dev/null
    fi
    say "wasm32 target: $wasm_choice (forced by SWITCHBOARD_WASM_TOOLCHAIN)"
elif command -v rustup >/dev/null \
    && rustup target list --installed 2>/dev/null | grep -x wasm32-unknown-unknown >/dev/null; then
    wasm_choice=rustup
    say "wasm32 target: found in rustup"
elif [ "$(cat "$WASM_CHOICE_FILE" 2>/dev/null || true)" = debian ]; then
    wasm_choice=debian
    say "wasm32 target: Debian rustc-web fallback (chosen earlier, in $WASM_CHOICE_FILE)"
elif command -v rustup >/dev/null && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    wasm_choice=rustup
    say "wasm32 target: installed with rustup"
else
    wasm_choice=debian
    say "wasm32 target: rustup could not download it; using Debian's rustc-web + build-std"
fi
echo "$wasm_choice" >"$WASM_CHOICE_FILE"
# std's source, to build std with the UI for size (see wasm_env in lib.sh).
# Optional: without it the UI builds with the prebuilt std, a little bigger.
if [ "$wasm_choice" = rustup ] && ! [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ]; then
    if timeout 120 rustup component add rust-src >/dev/null 2>&1; then
        say "rust-src: installed with rustup (the UI builds std for size)"
    else
        say "rust-src: rustup could not download it; the UI builds with the prebuilt std (about 23 KB bigger)"
    fi
fi

# ---- Debian packages -------------------------------------------------------
packages=(
    # Tauri 2 on Linux
    libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev
    libjavascriptcoregtk-4.1-dev libssl-dev libayatana-appindicator3-dev
    pkg-config build-essential
    # a virtual display for headless machines, and fetching
    xvfb xauth curl
    # build-ui.sh: the integrity hash of the optimised wasm
    openssl
)
if [ "$wasm_choice" = debian ]; then
    packages+=(rustc-web cargo-web rust-web-src lld-16)
fi
if ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
fi
if [ "$MODE" = test ]; then
    packages+=(
        imagemagick webkit2gtk-driver
        gnome-keyring dbus dbus-x11 libsecret-tools
        # the e2e reads the X clipboard (Copy clears it after 30 s)
        xclip
        postgresql
        # a real SMTP server with AUTH for the provider checks' tests
        python3-aiosmtpd
        # the package stage: reads the built .rpm; the updater installs a
        # .deb through pkexec or sudo
        rpm sudo
    )
fi
missing=()
for package in "${packages[@]}"; do
    if ! dpkg -s "$package" 2>/dev/null | grep '^Status: install ok installed' >/dev/null; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all ${#packages[@]} present"
else
    say "Debian packages: installing ${missing[*]}"
    apt_log="$(mktemp)"
    if ! { $SUDO apt-get update -qq \
        && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        die "apt-get failed (full log: $apt_log)"
    fi
    rm -f "$apt_log"
    say "Debian packages: installed ${#missing[@]}"
fi

# ---- cargo tools -----------------------------------------------------------
# Versions already installed in $TOOLS, as "name version" lines.
installed_version() {
    cargo install --list --root "$TOOLS" 2>/dev/null \
        | awk -v name="$1" '$1 == name { sub(/^v/, "", $2); sub(/:$/, "", $2); print $2 }'
}

# wasm-bindgen-cli must be exactly the wasm-bindgen the UI is locked to.
lock="$ROOT/ui/Cargo.lock"
[ -f "$lock" ] || die "ui/Cargo.lock is missing; it pins the wasm-bindgen version"
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' "$lock")"
[ -n "$bindgen_version" ] || die "could not read the wasm-bindgen version from ui/Cargo.lock"
# Installs a cargo tool into $TOOLS unless a version matching WANT (a glob)
# is there: cargo_tool NAME WANT LABEL TAKES LOCK [cargo install args...].
# LOCK: "locked" (--locked), "unlocked", or "locked-or-not" (--locked, and
# without it when that fails).
cargo_tool() {
    local name="$1" want="$2" label="$3" takes="$4" lock="$5"
    shift 5
    local have
    have="$(installed_version "$name")"
    # shellcheck disable=SC2053 # $want is a glob on purpose
    if [[ "$have" == $want ]]; then
        say "$name: $have found"
        return
    fi
    say "$name: installing $label (found: ${have:-none}; takes $takes)"
    local install=(nice -n 10 cargo install --quiet --root "$TOOLS" --force "$name" "$@")
    case "$lock" in
        locked) "${install[@]}" --locked ;;
        unlocked) "${install[@]}" ;;
        locked-or-not) "${install[@]}" --locked || "${install[@]}" ;;
        *) die "cargo_tool $name: unknown lock mode $lock" ;;
    esac
    say "$name: $(installed_version "$name") installed"
}

# Not --locked: the registry here lacks one of its pinned dependencies.
cargo_tool wasm-bindgen-cli "$bindgen_version" "$bindgen_version" "a few minutes" unlocked \
    --version "=$bindgen_version"
# --locked: newer dependencies than trunk's own lock file break its build.
cargo_tool trunk "0.21.*" "~0.21" "about 10 minutes" locked --version '~0.21'

if [ "$MODE" = package ] || [ "$MODE" = test ]; then
    # cargo tauri build / bundle / icon / signer: the installable packages.
    cargo_tool tauri-cli "2.12.*" "~2.12" "about 10 minutes" locked --version '~2.12'
fi
if [ "$MODE" = test ]; then
    cargo_tool tauri-driver "2.*" "2.x" "a few minutes" locked-or-not --version '^2'
    # cargo-deny: the dependency policy in deny.toml (licenses, sources, bans,
    # advisories).
    cargo_tool cargo-deny "0.20.*" "0.20" "a few minutes" locked --version '~0.20'
fi

# ---- wasm-opt from npm -----------------------------------------------------
# Debian's binaryen is too old for current wasm-bindgen output.
BINARYEN_VERSION=132.0.0
have="$(node -p "require('$TOOLS/node/node_modules/binaryen/package.json').version" 2>/dev/null || true)"
if [ "$have" = "$BINARYEN_VERSION" ] && [ -x "$WASM_OPT" ]; then
    say "binaryen (wasm-opt): $have found"
else
    say "binaryen (wasm-opt): installing $BINARYEN_VERSION from npm"
    mkdir -p "$TOOLS/node"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" \
        "binaryen@$BINARYEN_VERSION" >/dev/null
    say "binaryen (wasm-opt): $BINARYEN_VERSION installed"
fi

# ---- checks of what the packages provide -----------------------------------
if [ "$wasm_choice" = debian ]; then
    [ -d /usr/lib/rustlib/src/rust/library ] || die "rust-web-src gave no std source at /usr/lib/rustlib/src/rust"
    say "Debian rustc for wasm32: $(/usr/bin/rustc --version)"
fi
if [ "$MODE" = test ]; then
    [ -x /usr/bin/WebKitWebDriver ] || die "webkit2gtk-driver gave no /usr/bin/WebKitWebDriver"
    pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
        die "no PostgreSQL server binaries under /usr/lib/postgresql"
    fi
    say "PostgreSQL binaries: $pg_bin ($("$pg_bin/postgres" --version))"
fi

say "done ($MODE) in $((SECONDS - T0)) s; tools in $TOOLS"
