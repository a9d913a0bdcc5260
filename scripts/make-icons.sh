#!/usr/bin/env bash
# Draws the app icon with ImageMagick and writes every format the bundler
# and the three desktop OSes use into icons/: a rounded indigo square with a
# switchboard glyph (three sockets on each side, patched across by cables),
# the same drawing as the UI's logo. The PNG sizes come from ImageMagick;
# icon.ico (Windows: 16-256 px) and icon.icns (macOS: 16-1024 px, retina
# pairs) from tauri-cli's `cargo tauri icon`, installed by
# `scripts/setup.sh package`. The files are committed; run this only to
# change the icon.
set -euo pipefail
SAY_AS=make-icons
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/icons"
convert -version | grep ImageMagick >/dev/null || die "needs ImageMagick: apt-get install imagemagick"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Drawn at 1024 px on the 48-unit grid of the UI's SVG logo (1 unit = 21.33 px).
convert -size 1024x1024 gradient:'#6b79f5-#6a4fd3' \
    \( -size 1024x1024 xc:black -fill white -draw "roundrectangle 43,43 980,980 234,234" \) \
    -alpha off -compose CopyOpacity -composite \
    -compose Over -fill none -stroke white -strokewidth 44 -draw "
        stroke-linecap round stroke-linejoin round
        path 'M 299,320 C 512,320 512,704 725,704'
        path 'M 299,512 C 512,512 512,320 725,320'
        path 'M 299,704 C 512,704 512,512 725,512'" \
    -stroke none -fill white -draw "
        circle 299,320 299,380  circle 299,512 299,572  circle 299,704 299,764
        circle 725,320 725,380  circle 725,512 725,572  circle 725,704 725,764" \
    "PNG32:$work/icon-1024.png"

command -v cargo-tauri >/dev/null || die "needs tauri-cli: bash scripts/setup.sh package"
# .ico and .icns (and the Windows Store tiles) from the 1024 px drawing.
cargo tauri icon "$work/icon-1024.png" --output "$work/tauri" >/dev/null
cp "$work/tauri/icon.ico" "$work/tauri/icon.icns" .
say "icons/icon.ico and icons/icon.icns (cargo tauri icon)"

for size in 512:icon.png 256:128x128@2x.png 128:128x128.png 64:64x64.png 32:32x32.png; do
    px="${size%%:*}"
    name="${size#*:}"
    convert "$work/icon-1024.png" -filter Lanczos -resize "${px}x${px}" -strip "PNG32:$name"
    say "icons/$name (${px}x${px}, RGBA)"
done
