#!/usr/bin/env bash
# Every check Switchboard has, in the order CI runs them (.ci/run calls this).
#
# Installs what is missing (scripts/setup.sh test), builds the UI, checks the
# dependency policy (cargo deny), then, with
# one release build that the later stages reuse: rustfmt, clippy (workspace
# and UI), the workspace's tests inside a private D-Bus session with an
# unlocked gnome-keyring (so tests marked #[ignore] for needing the Secret
# Service run too), a smoke test of the real window over WebDriver, the
# end-to-end test of the app (tests/e2e.rs) through that same window, then
# the packages: the .deb and .rpm built, the .deb installed with dpkg, the
# installed app smoke-tested and removed, and an update of the installed
# app from version N to N+1 served by the real team server.
# Stops at the first failing stage with a non-zero exit.
set -euo pipefail
SAY_AS="test"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
T0=$SECONDS

stage "setup"
bash scripts/setup.sh test

stage "build the UI"
bash scripts/build-ui.sh

stage "rustfmt"
cargo fmt --all --check
cargo fmt --manifest-path ui/Cargo.toml --all --check

stage "dependency policy (cargo deny, deny.toml)"
# Licenses, sources (crates.io only) and bans of the workspace and the UI.
cargo deny --log-level error check licenses bans sources
cargo deny --log-level error --manifest-path ui/Cargo.toml check licenses bans sources
# Advisories need the RustSec database, cloned from github.com; where it
# cannot be fetched, say so rather than pass quietly.
if timeout 120 cargo deny --log-level error fetch db >/dev/null 2>&1; then
    cargo deny --log-level error --offline check advisories
    cargo deny --log-level error --offline --manifest-path ui/Cargo.toml check advisories
else
    say "advisories NOT checked: the RustSec database (github.com/RustSec/advisory-db) cannot be fetched from this machine"
fi

stage "build (release, whole workspace)"
nice -n 10 cargo build --workspace --release

stage "clippy (workspace)"
# --release shares build scripts and proc macros with the build above.
nice -n 10 cargo clippy --workspace --all-targets --release -- -D warnings

stage "clippy (UI, native)"
# Yew compiles natively, so the UI is linted with the usual toolchain.
(
    unset RUSTC CARGO RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD
    nice -n 10 cargo clippy --manifest-path ui/Cargo.toml --all-targets -- -D warnings
)

stage "tests (UI, native)"
# The shared state's reducer and other plain logic; the rendering itself is
# covered by the window tests below.
(
    unset RUSTC CARGO RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD
    nice -n 10 cargo test --manifest-path ui/Cargo.toml
)

# Runs a command in a private D-Bus session with an unlocked gnome-keyring
# whose files live in a throwaway folder, never the user's own.
KEYRING_HOMES=()
trap 'rm -rf "${KEYRING_HOMES[@]}"' EXIT
with_keyring() {
    local home
    home="$(mktemp -d)"
    KEYRING_HOMES+=("$home")
    # shellcheck disable=SC2016 # expanded by the inner sh
    dbus-run-session -- sh -c '
        printf pw | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec "$@"
    ' "$home" "$@"
}

stage "tests (release, private D-Bus session with gnome-keyring)"
with_keyring nice -n 10 cargo test --workspace --release -- --include-ignored --skip e2e_

stage "window smoke test"
bash scripts/smoke-window.sh

stage "end-to-end tests of the app window (tests/e2e.rs)"
# Drive the real window with tauri-driver, each on a fresh store in a temp
# dir (the journey and the sync test with the keyring off, the keyring test
# with a real gnome-keyring in a private D-Bus session), one at a time;
# each starts its own Xvfb when there is no display.
# --workspace keeps the feature set of the build above, so nothing is rebuilt.
with_keyring nice -n 10 cargo test --workspace --release --test e2e -- --include-ignored --nocapture --test-threads=1 --skip e2e_update_from_team_server

stage "packages: .deb and .rpm built, the .deb installed and its window smoke-tested"
# The same release build, packed by `cargo tauri bundle` (scripts/package.sh).
SWITCHBOARD_SKIP_SETUP=1 bash scripts/package.sh deb,rpm
version="$(app_version)"
deb="$(package_path deb "$version")"
rpm="$(package_path rpm "$version")"
# Listed first, then searched: grep -q in a pipe would stop reading early and,
# under pipefail, rpm's SIGPIPE would fail the check at random.
listed="$(rpm -qpl "$rpm")"
for file in /usr/bin/switchboard-app /usr/bin/switchboard; do
    grep -qx "$file" <<<"$listed" || die "$rpm does not install $file"
done
say "$rpm: $(rpm -qp --qf '%{NAME} %{VERSION}' "$rpm"), holds the app and the CLI"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO dpkg -i "$deb" >/dev/null
[ "$(dpkg-query -W -f='${Version}' switchboard)" = "$version" ] || die "dpkg does not list switchboard $version"
say "installed: $(/usr/bin/switchboard --version), /usr/bin/switchboard-app"
SMOKE_APP=/usr/bin/switchboard-app bash scripts/smoke-window.sh
$SUDO dpkg -r switchboard >/dev/null
if dpkg-query -W -f='${Status}' switchboard 2>/dev/null | grep installed >/dev/null \
    || [ -e /usr/bin/switchboard-app ] || [ -e /usr/bin/switchboard ]; then
    die "dpkg -r switchboard left the package or its binaries behind"
fi
say "removed cleanly"

stage "update: the installed app updates itself from the team server (tests/e2e.rs)"
# Two versions of the .deb trusting a throwaway key (never the team's),
# the newer signed with it and, forged, with another key.
UPDATE_DIR="$(mktemp -d)"
KEYRING_HOMES+=("$UPDATE_DIR")
next="$(echo "$version" | awk -F. '{ printf "%d.%d.%d", $1, $2, $3 + 1 }')"
for name in team forger; do
    cargo tauri signer generate --ci -w "$UPDATE_DIR/$name.key" -p "test-$name" >/dev/null
done
pubkey="$(tr -d '\n' <"$UPDATE_DIR/team.key.pub")"
for step in "current:$version" "next:$next"; do
    label="${step%%:*}"
    v="${step#*:}"
    SWITCHBOARD_APP_CONFIG="{\"version\":\"$v\",\"plugins\":{\"updater\":{\"pubkey\":\"$pubkey\"}}}" \
        SWITCHBOARD_SIGNING_KEY="$UPDATE_DIR/team.key" SWITCHBOARD_SIGNING_PASSWORD=test-team \
        SWITCHBOARD_SKIP_SETUP=1 bash scripts/package.sh deb
    cp "$(package_path deb "$v")" "$UPDATE_DIR/$label.deb"
    cp "$(package_path deb "$v").sig" "$UPDATE_DIR/$label.deb.sig"
done
# The forged signature: the same package signed by the other key (over the
# bundle's own .sig, copied above).
TAURI_SIGNING_PRIVATE_KEY_PASSWORD=test-forger cargo tauri signer sign \
    --private-key-path "$UPDATE_DIR/forger.key" --app-version "$next" "$(package_path deb "$next")" >/dev/null
mv "$(package_path deb "$next").sig" "$UPDATE_DIR/next.deb.forged.sig"
echo "$next" >"$UPDATE_DIR/next.version"
# Run with the last build's configuration, so cargo rebuilds nothing for it.
TAURI_CONFIG="{\"version\":\"$next\",\"plugins\":{\"updater\":{\"pubkey\":\"$pubkey\"}}}" \
    SWITCHBOARD_UPDATE_DIR="$UPDATE_DIR" with_keyring nice -n 10 \
    cargo test --workspace --release --test e2e -- --include-ignored --exact e2e_update_from_team_server --nocapture
# Back to the app as configured in tauri.conf.json, for whatever runs next.
nice -n 10 cargo build --workspace --release

say "all stages passed in $((SECONDS - T0)) s"
