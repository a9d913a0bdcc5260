#!/usr/bin/env bash
# Every benchmark in one command: builds once, runs the store, list-at-scale,
# connection-check, sync, server (SQLite and PostgreSQL) and desktop
# benchmarks, and ends with one table: figure, goal, measured, ratio
# (measured / goal), met or not. Benchmarks print figures; they are not
# timed tests.
#
#   scripts/bench.sh           everything (about 10 minutes on 2 cores)
#   scripts/bench.sh --quick   a subset (about 2 minutes): smaller stores,
#                              the server on SQLite only, 3 desktop launches
#
# Needs what scripts/test.sh installs (run it once). Each benchmark's own
# output is kept in $BENCH_OUT (a temporary folder unless set) and echoed.
# Nothing else should run on the machine meanwhile: the figures are
# wall-clock times on shared cores.
set -euo pipefail
SAY_AS=bench
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

QUICK=0
case "${1:-}" in
    --quick) QUICK=1 ;;
    "") ;;
    *) die "usage: scripts/bench.sh [--quick]" ;;
esac
OUT="${BENCH_OUT:-$(mktemp -d)}"
mkdir -p "$OUT"
T0=$SECONDS

say "building once (UI, then every binary in release mode)"
bash scripts/build-ui.sh
nice -n 10 cargo build --release --workspace --bins --quiet

# Runs one benchmark, its output shown and kept as $OUT/<name>.txt.
bench() {
    local name="$1"
    shift
    say "---- $name: $*"
    local t=$SECONDS
    "$@" 2>&1 | tee "$OUT/$name.txt"
    say "$name took $((SECONDS - t)) s"
}

if [ "$QUICK" = 1 ]; then
    bench store target/release/switchboard-bench store 10000
    bench scale target/release/switchboard-bench scale 20000
    bench checks target/release/providers-bench --runs 2
    bench sync target/release/sync-bench --records 10000
    bench server target/release/server-bench --quick --backend sqlite
    bench ui-size bash scripts/ui-size.sh
    bench desktop env RUNS=3 SEED=1000 BENCH_APP=target bash scripts/bench-app.sh
else
    bench store target/release/switchboard-bench store 10000
    bench scale target/release/switchboard-bench scale 100000
    bench checks target/release/providers-bench
    # Five first syncs, each to a new server: one is a single wall-clock
    # sample that moved between 11,400 and 17,000 records/s back to back.
    bench sync target/release/sync-bench --records 10000 --runs 5
    bench sync-100k target/release/sync-bench --records 100000
    bench server target/release/server-bench --quick
    bench ui-size bash scripts/ui-size.sh
    bench desktop env RUNS=7 SEED=100000 BENCH_APP=target bash scripts/bench-app.sh
fi

# The sync's memory at ten times the count: how much the resident size
# grew during the first sync of 100,000 (its peak over what the process held
# before it; the seed's import is done by then). A sync that streams stays
# flat however many it sends.
{
    grep -h '^figure' "$OUT"/*.txt || true
    grow10=$(awk -F'\t' '$1 == "rss_growth_mib" {print $3}' "$OUT"/sync.txt 2>/dev/null || true)
    grow100=$(awk -F'\t' '$1 == "rss_growth_mib" {print $3}' "$OUT"/sync-100k.txt 2>/dev/null || true)
    if [ -n "${grow100:-}" ]; then
        printf 'figure\tsync: memory growth during the first sync of 100,000 (10,000: %s MiB)\t<=\t32\t%s\tMiB\n' \
            "${grow10:-?}" "$grow100"
    fi
} >"$OUT/figures.tsv"

echo
echo "Figures ($( [ "$QUICK" = 1 ] && echo "--quick" || echo "full run"), $((SECONDS - T0)) s, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)):"
awk -F'\t' '
    BEGIN { printf "| %-86s | %-12s | %-14s | %-6s | %-7s |\n", "figure", "goal", "measured", "ratio", "met";
            printf "|%s|%s|%s|%s|%s|\n", "----------------------------------------------------------------------------------------", "--------------", "----------------", "--------", "---------"; missed = 0 }
    {
        goal = $4 + 0; m = $5 + 0
        ratio = goal == 0 ? 0 : m / goal
        met = ($3 == "<=") ? (m <= goal) : (m >= goal)
        if (!met) missed++
        printf "| %-86s | %-12s | %-14s | %5.2fx | %-7s |\n", $2, $3 " " $4 " " $6, $5 " " $6, ratio, met ? "met" : "NOT met"
    }
    END { printf "\n%d figures, %d not met\n", NR, missed }
' "$OUT/figures.tsv"
say "each benchmark's output: $OUT"
