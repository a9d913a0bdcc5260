#!/usr/bin/env bash
# Builds the Yew UI (ui/) into ui/dist for the desktop app.
#
# trunk builds it in release mode, offline, with the wasm32 toolchain that
# scripts/setup.sh chose; then npm's wasm-opt shrinks the wasm (trunk's own
# wasm-opt step is off because it would try to download binaryen).
# Does nothing when ui/dist is newer than every file in ui/, crates/catalog/, crates/ipc/, crates/domain/,
# crates/sync-proto/, this script and scripts/lib.sh (whose wasm_env sets the build's flags)
# (and the top-level Cargo.toml, whose workspace dependencies the catalog uses),
# and when UI_SIZE_FLAGS differs from the last build's (the stamp holds it).
set -euo pipefail
SAY_AS=build-ui
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

STAMP="ui/target/.dist-built"
SIZE_FLAGS="size flags: ${UI_SIZE_FLAGS:-1}"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$SIZE_FLAGS" ] && [ -f ui/dist/index.html ] && ls ui/dist/*.wasm >/dev/null 2>&1; then
    newer="$(find ui crates/catalog crates/ipc crates/domain crates/sync-proto Cargo.toml scripts/build-ui.sh scripts/lib.sh \( -path ui/target -o -path "ui/target-*" -o -path ui/dist \) -prune \
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
echo "$SIZE_FLAGS" >"$STAMP.new"
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
"$WASM_OPT" "${UI_WASM_OPT:--Oz}" \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
after=$(stat -c %s "$wasm")
# boot.js fetches and compiles the wasm while the page loads (see its
# comment): give it the file's name, hand what it compiled to trunk's loader,
# and drop trunk's preload of the same file (it would be fetched twice).
name="$(basename "$wasm")"
grep -q '"__SB_WASM__"' ui/dist/boot.js || die "ui/dist/boot.js has no __SB_WASM__ placeholder"
sed -i "s#\"__SB_WASM__\"#\"/$name\"#" ui/dist/boot.js
grep -q "module_or_path: '/$name'" ui/dist/index.html \
    || die "trunk's loader in ui/dist/index.html does not load '/$name' as expected; has trunk's output changed?"
sed -i "s#module_or_path: '/$name'#module_or_path: await (window.__sbWasm || '/$name')#" ui/dist/index.html
sed -i -E "s#<link rel=\"preload\" href=\"/$name\"[^>]*>##" ui/dist/index.html
! grep -q "rel=\"preload\" href=\"/$name\"" ui/dist/index.html || die "could not drop the wasm preload from ui/dist/index.html"
mv "$STAMP.new" "$STAMP"
say "built ui/dist in $((SECONDS - T0)) s; wasm-opt ${UI_WASM_OPT:--Oz}: $((before / 1024)) KiB -> $((after / 1024)) KiB"
