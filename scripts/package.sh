#!/usr/bin/env bash
# Builds the installable packages of the desktop app, with the `switchboard`
# command line inside (/usr/bin/switchboard beside /usr/bin/switchboard-app):
#
#   scripts/package.sh [BUNDLES]        BUNDLES: deb,rpm (the default), deb, rpm
#
# into target/release/bundle/deb/ and target/release/bundle/rpm/.
#
# Signing for the updater: with SWITCHBOARD_SIGNING_KEY (the private key
# file scripts/make-update-key.sh made) and SWITCHBOARD_SIGNING_PASSWORD set,
# each package gets a .sig beside it, bound to the app's version; upload the
# two together to the team server (README: "Publishing an update").
# SWITCHBOARD_APP_CONFIG: JSON merged into tauri.conf.json for this build,
# both compiling and bundling (e.g. '{"version":"0.2.0"}').
#
# The build is the same `cargo build --workspace --release` scripts/test.sh
# runs, so packaging after the tests rebuilds nothing; `cargo tauri bundle`
# (tauri-cli, installed by `scripts/setup.sh package`) then packs it.
# AppImage is not built: its tools (linuxdeploy, appimagetool) come only
# from GitHub releases, which this project's machines cannot download.
set -euo pipefail
SAY_AS=package
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
bundles="${1:-deb,rpm}"

if [ -z "${SWITCHBOARD_SKIP_SETUP:-}" ]; then
    bash scripts/setup.sh package
fi
bash scripts/build-ui.sh

config=()
if [ -n "${SWITCHBOARD_APP_CONFIG:-}" ]; then
    config=(--config "$SWITCHBOARD_APP_CONFIG")
    say "building with $SWITCHBOARD_APP_CONFIG merged into tauri.conf.json"
    TAURI_CONFIG="$SWITCHBOARD_APP_CONFIG" nice -n 10 cargo build --workspace --release
else
    (unset TAURI_CONFIG; nice -n 10 cargo build --workspace --release)
fi

# The bundler marks the binary with the package kind it goes into (the
# updater reads it); keep target/release's copy as built, for the tests.
app=target/release/switchboard-app
cp -p "$app" "$app.as-built"
trap 'mv -f "$app.as-built" "$app"' EXIT
nice -n 10 cargo tauri bundle --ci --bundles "$bundles" "${config[@]}"

version="$(app_version)"
if [ -n "${SWITCHBOARD_APP_CONFIG:-}" ]; then
    override="$(printf '%s' "$SWITCHBOARD_APP_CONFIG" | sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')"
    version="${override:-$version}"
fi
packages=()
for kind in ${bundles//,/ }; do
    packages+=("$(package_path "$kind" "$version")")
done
for package in "${packages[@]}"; do
    [ -f "$package" ] || die "the bundler made no $package"
    if [ -n "${SWITCHBOARD_SIGNING_KEY:-}" ]; then
        TAURI_SIGNING_PRIVATE_KEY_PASSWORD="${SWITCHBOARD_SIGNING_PASSWORD:-}" \
            cargo tauri signer sign --private-key-path "$SWITCHBOARD_SIGNING_KEY" \
            --app-version "$version" "$package" >/dev/null
        say "$package ($(du -h "$package" | cut -f1)), signed: $package.sig"
    else
        say "$package ($(du -h "$package" | cut -f1)), not signed (no SWITCHBOARD_SIGNING_KEY)"
    fi
done
