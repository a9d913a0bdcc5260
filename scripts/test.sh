#!/usr/bin/env bash
# Every check Switchboard has, in the order CI runs them (.ci/run calls this).
#
# Installs what is missing (scripts/setup.sh test), builds the UI, checks the
# dependency policy (cargo deny), then, with
# one release build that the later stages reuse: rustfmt, clippy (workspace
# and UI), the workspace's tests inside a private D-Bus session with an
# unlocked gnome-keyring (so tests marked #[ignore] for needing the Secret
# Service run too), a smoke test of the real window over WebDriver, and the
# end-to-end test of the app (tests/e2e.rs) through that same window.
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
with_keyring nice -n 10 cargo test --workspace --release --test e2e -- --include-ignored --nocapture --test-threads=1

say "all stages passed in $((SECONDS - T0)) s"
