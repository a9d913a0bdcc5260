#!/usr/bin/env bash
# Prints the size of the built UI (ui/dist, from scripts/build-ui.sh) as the
# window downloads it compressed: `gzip -9` of each file, their total, and
# whether the total meets the goal (issue 18: at most 300 KB).
set -euo pipefail
SAY_AS=ui-size
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

GOAL=300000
shopt -s nullglob
files=(ui/dist/*)
[ ${#files[@]} -gt 0 ] || die "ui/dist is empty; run scripts/build-ui.sh"
total=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + gz))
    printf '%10d bytes gzip -9 (%d raw)  %s\n' "$gz" "$(stat -c %s "$f")" "$f"
done
verdict="not met"
[ "$total" -le "$GOAL" ] && verdict="met"
printf '%10d bytes gzip -9 in all; goal <= %d bytes (300 KB): %s\n' "$total" "$GOAL" "$verdict"
# The line scripts/bench.sh gathers (switchboard_domain::figure's format).
printf 'figure\tUI bundle, every file of ui/dist gzipped\t<=\t300\t%s\tKB\n' "$(awk -v t="$total" 'BEGIN {printf "%.1f", t / 1000}')"
