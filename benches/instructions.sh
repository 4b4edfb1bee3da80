#!/usr/bin/env bash
# Instruction counts (valgrind --tool=callgrind), which do not vary with the
# machine's load: xxgk's DOCX -> validated JSON against the floor (inflate
# word/document.xml and walk its XML events), per file.
#
#   bash benches/instructions.sh            # needs valgrind (apt-get install valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
cargo build --release --quiet --example bench_floor --example bench_to_json
T=${CARGO_TARGET_DIR:-target}/release/examples
N=50
count() { # prints the instructions of one run of "$@"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 \
        | sed -n 's/.*refs: *//p' | tr -d ,
}
# One call of the path with 1 iteration measures the fixed cost (start-up and
# compiling the schema), which is taken off the N-iteration total.
printf '%-32s %14s %14s %7s\n' file floor/iter xxgk/iter ratio
# The fixtures, and the blank official form as published (Word/WPS-made).
FORM="../shared/corpus/public/zxj6827111-blip+govnianbao/政务公开年报模版.docx"
files=(tests/fixtures/docx/*.docx)
[ -f "$FORM" ] && files+=("$FORM")
for f in "${files[@]}"; do
    floor1=$(count $T/bench_floor "$f" 1)
    floorn=$(count $T/bench_floor "$f" $((N + 1)))
    path1=$(count $T/bench_to_json "$f" 1)
    pathn=$(count $T/bench_to_json "$f" $((N + 1)))
    floor=$(( (floorn - floor1) / N ))
    path=$(( (pathn - path1) / N ))
    printf '%-32s %14d %14d %6.2fx\n' "$(basename "$f")" "$floor" "$path" \
        "$(echo "scale=4; $path / $floor" | bc)"
done
