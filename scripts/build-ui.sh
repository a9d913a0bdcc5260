#!/usr/bin/env bash
# Builds the Yew UI (ui/) into ui/dist for the desktop app.
#
# trunk builds it in release mode, offline, with the wasm32 toolchain that
# scripts/setup.sh chose; then npm's wasm-opt shrinks the wasm (trunk's own
# wasm-opt step is off because it would try to download binaryen).
# Does nothing when ui/dist is newer than every file in ui/, crates/catalog/, crates/ipc/
# (and the top-level Cargo.toml, whose workspace dependencies the catalog uses).
set -euo pipefail
SAY_AS=build-ui
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

STAMP="ui/target/.dist-built"
if [ -f "$STAMP" ] && [ -f ui/dist/index.html ] && ls ui/dist/*.wasm >/dev/null 2>&1; then
    newer="$(find ui crates/catalog crates/ipc Cargo.toml \( -path ui/target -o -path ui/dist \) -prune \
        -o -type f -newer "$STAMP" -print -quit 2>/dev/null || true)"
    if [ -z "$newer" ]; then
        say "ui/dist is up to date"
        exit 0
    fi
    say "rebuilding: $newer changed"
fi

command -v trunk >/dev/null || die "trunk not found; run scripts/setup.sh"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen not found; run scripts/setup.sh"
[ -x "$WASM_OPT" ] || die "wasm-opt not found at $WASM_OPT; run scripts/setup.sh"
wasm_env

T0=$SECONDS
# Stamp the start, so a file edited during the build still counts as newer.
mkdir -p ui/target
touch "$STAMP.new"
# trunk builds with --offline, so the crates (and, with build-std, those of
# std itself) must be in cargo's cache first.
say "cargo fetch for wasm32"
(cd ui && cargo fetch --target wasm32-unknown-unknown --quiet)
say "trunk build --release --offline (toolchain: $(cat "$WASM_CHOICE_FILE"))"
(cd ui && nice -n 10 trunk --color never build --release --offline)

shopt -s nullglob
wasm_files=(ui/dist/*.wasm)
[ ${#wasm_files[@]} -eq 1 ] || die "expected one .wasm in ui/dist, found ${#wasm_files[@]}"
wasm="${wasm_files[0]}"
before=$(stat -c %s "$wasm")
"$WASM_OPT" -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
after=$(stat -c %s "$wasm")
# trunk's preload link carries the subresource-integrity hash of the wasm it
# wrote; give it the hash of the optimised file, or WebKit rejects the preload.
name="$(basename "$wasm")"
sri="sha384-$(openssl dgst -sha384 -binary "$wasm" | base64 -w0)"
grep -q "href=\"/$name\"[^>]*integrity=" ui/dist/index.html \
    || die "no integrity attribute for $name in ui/dist/index.html; has trunk's output changed?"
sed -i -E "s#(href=\"/$name\"[^>]*integrity=\")[^\"]*#\1$sri#" ui/dist/index.html
mv "$STAMP.new" "$STAMP"
say "built ui/dist in $((SECONDS - T0)) s; wasm-opt -Oz: $((before / 1024)) KiB -> $((after / 1024)) KiB"
