#!/usr/bin/env bash
# Wall-clock of xxgk's DOCX -> validated JSON against the floor (inflate
# word/document.xml and walk its XML events), per file: ROUNDS rounds of
# ITERATIONS conversions, floor and path alternating, and each program's
# best round. The best of several interleaved rounds is the steadiest
# wall-clock measure on a shared virtual machine, whose speed moves from
# minute to minute; run it with nothing else running.
#
#   bash benches/wall.sh                 # ROUNDS=7 ITERATIONS=500 by default
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
ITERATIONS=${ITERATIONS:-500}
cargo build --release --quiet --example bench_floor --example bench_to_json
T=${CARGO_TARGET_DIR:-target}/release/examples
FORM="../shared/corpus/public/zxj6827111-blip+govnianbao/政务公开年报模版.docx"
files=(tests/fixtures/docx/*.docx)
[ -f "$FORM" ] && files+=("$FORM")
declare -A best
for _ in $(seq "$ROUNDS"); do
    for f in "${files[@]}"; do
        for b in bench_floor bench_to_json; do
            s=$(date +%s%N)
            "$T/$b" "$f" "$ITERATIONS"
            e=$(date +%s%N)
            ns=$(((e - s) / ITERATIONS))
            key="$f|$b"
            if [ -z "${best[$key]:-}" ] || [ "$ns" -lt "${best[$key]}" ]; then
                best[$key]=$ns
            fi
        done
    done
done
printf '%-32s %10s %10s %7s\n' file floor/µs xxgk/µs ratio
for f in "${files[@]}"; do
    floor=${best["$f|bench_floor"]}
    path=${best["$f|bench_to_json"]}
    printf '%-32s %10.0f %10.0f %6.2fx\n' "$(basename "$f")" \
        "$(echo "$floor / 1000" | bc -l)" "$(echo "$path / 1000" | bc -l)" \
        "$(echo "$path / $floor" | bc -l)"
done
