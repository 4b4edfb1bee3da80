#!/usr/bin/env bash
# xxgk against the tools a user would pick instead, on the same files, in
# one run, with the ratios. Figures go to BENCHMARKS.md.
#
#   bash benches/compare.sh            # all of it (about 5 minutes)
#   QUICK=1 bash benches/compare.sh    # fewer files
#
# Needs: pandoc, python3 with python-docx and docxtpl, check-jsonschema,
# jsonschema-cli (cargo install jsonschema-cli), GNU time (/usr/bin/time).
# Installs the pip packages itself; says how to get the rest.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*" >&2; }
missing=0
for tool in pandoc python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { say "missing: $tool (apt-get install pandoc time python3)"; missing=1; }
done
python3 -c "import docx, docxtpl, check_jsonschema" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check python-docx docxtpl check-jsonschema
JSCLI=$(command -v jsonschema-cli || true)
[ -n "$JSCLI" ] || say "jsonschema-cli not found (cargo install jsonschema-cli): that comparison is skipped"
[ "$missing" = 0 ] || exit 2

cargo build --release --quiet --bin xxgk --example bench_floor --example bench_to_json
X=$PWD/target/release/xxgk
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Milliseconds a command takes, best of $REPEAT runs (output thrown away).
REPEAT=${REPEAT:-3}
ms() {
    local best=""
    for _ in $(seq "$REPEAT"); do
        local s e
        s=$(date +%s%N)
        "$@" >/dev/null 2>&1 || true
        e=$(date +%s%N)
        local t=$(( (e - s) / 1000 ))
        if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
    done
    echo "scale=3; $best / 1000" | bc
}
ratio() { echo "scale=1; $1 / $2" | bc; }
per() { echo "scale=4; $1 / $2" | bc; }

if [ -n "${QUICK:-}" ]; then COPIES=5; PANDOC_FILES=4; VALIDATE=200; BATCH=1000; else COPIES=25; PANDOC_FILES=8; VALIDATE=1000; BATCH=10000; fi

# ------------------------------------------------ DOCX -> JSON
mkdir -p "$W/docx"
docs=(tests/fixtures/docx/*.docx)
for i in $(seq "$COPIES"); do
    for f in "${docs[@]}"; do ln "$f" "$W/docx/$i-$(basename "$f")" 2>/dev/null || cp "$f" "$W/docx/$i-$(basename "$f")"; done
done
n_docx=$(ls "$W/docx" | wc -l)

cat > "$W/pydocx.py" <<'EOF'
import sys, glob, docx
for path in sorted(glob.glob(sys.argv[1] + "/*.docx")):
    d = docx.Document(path)
    rows = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    paras = [p.text for p in d.paragraphs]
EOF

say "DOCX -> JSON: $n_docx files"
floor_total=0; path_total=0
for f in "${docs[@]}"; do
    fl=$(ms ./target/release/examples/bench_floor "$f" 200)
    pa=$(ms ./target/release/examples/bench_to_json "$f" 200)
    printf '  %-34s floor %7.3f ms   xxgk in-process %7.3f ms   %sx\n' "$(basename "$f")" \
        "$(per "$fl" 200)" "$(per "$pa" 200)" "$(ratio "$pa" "$fl")" >&2
done
x_batch=$(ms "$X" convert "$W/docx" --out-dir "$W/out-json" --jobs 1 --quiet)
x_per=$(per "$x_batch" "$n_docx")
pandoc_list=$(ls "$W/docx"/*.docx | head -n "$PANDOC_FILES")
pandoc_all() { for f in $pandoc_list; do pandoc -f docx -t json "$f" -o /dev/null; done; }
p_total=$(REPEAT=1 ms pandoc_all)
p_per=$(per "$p_total" "$PANDOC_FILES")
py_total=$(REPEAT=1 ms python3 "$W/pydocx.py" "$W/docx")
py_per=$(per "$py_total" "$n_docx")
say "  xxgk convert (one process, 1 thread): $x_per ms per file"
say "  pandoc -t json (a process per file):  $p_per ms per file -> xxgk is $(ratio "$p_per" "$x_per")x faster"
say "  python-docx, tables and paragraphs (one process): $py_per ms per file -> xxgk is $(ratio "$py_per" "$x_per")x faster"

# ------------------------------------------------ JSON -> DOCX
mkdir -p "$W/json"
jsons=(tests/fixtures/valid/seed-2020-hengyang.json tests/fixtures/valid/huaian-2024.json)
for i in $(seq "$COPIES"); do
    for f in "${jsons[@]}"; do cp "$f" "$W/json/$i-$(basename "$f")"; done
done
n_json=$(ls "$W/json" | wc -l)
cat > "$W/docxtpl_bench.py" <<'EOF'
# The same report through docxtpl: a template with the title, the
# paragraphs of each section and the three tables' rows as loops, rendered
# and saved once per report.
import sys, glob, json, time
import docx
from docxtpl import DocxTemplate

t = docx.Document()
t.add_paragraph("{{ meta.title }}")
t.add_paragraph("{%p for b in preamble %}")
t.add_paragraph("{{ b.text }}")
t.add_paragraph("{%p endfor %}")
for key in ["overview", "proactive", "applications", "reviews", "problems", "other"]:
    t.add_paragraph("{{ sections.%s.heading }}" % key)
    t.add_paragraph("{%%p for b in sections.%s.body %%}" % key)
    t.add_paragraph("{{ b.text }}")
    t.add_paragraph("{%p endfor %}")
    if key in ("proactive", "applications", "reviews"):
        tab = t.add_table(rows=3, cols=8)
        tab.rows[0].cells[0].text = "{%%tr for r in rows_%s %%}" % key
        for i in range(8):
            tab.rows[1].cells[i].text = "{{ r[%d] }}" % i
        tab.rows[2].cells[0].text = "{%tr endfor %}"
t.save(sys.argv[2] + "/tpl.docx")

def rows(v):
    # Every leaf row of a table as a list of printed cells.
    out = []
    def walk(x, label):
        if isinstance(x, dict) and all(not isinstance(y, dict) for y in x.values()):
            out.append([label] + ["" if y is None else str(y) for y in x.values()])
        elif isinstance(x, dict):
            for k, y in x.items():
                if k not in ("edition", "extra_rows"):
                    walk(y, k)
    walk(v, "")
    return out

files = sorted(glob.glob(sys.argv[1] + "/*.json"))
start = time.perf_counter()
for i, path in enumerate(files):
    r = json.load(open(path, encoding="utf-8"))
    ctx = dict(r)
    for key in ("proactive", "applications", "reviews"):
        ctx["rows_" + key] = rows(r["sections"][key].get("table", {}))
    doc = DocxTemplate(sys.argv[2] + "/tpl.docx")
    doc.render(ctx, autoescape=True)
    doc.save(sys.argv[2] + "/out%d.docx" % i)
print((time.perf_counter() - start) * 1000)
EOF
say "JSON -> DOCX: $n_json reports"
x_total=$(ms "$X" convert "$W/json" --out-dir "$W/out-docx" --to docx --jobs 1 --quiet)
x_nv=$(ms "$X" convert "$W/json" --out-dir "$W/out-docx2" --to docx --jobs 1 --quiet --no-verify)
mkdir -p "$W/tpl"
d_inproc=$(python3 "$W/docxtpl_bench.py" "$W/json" "$W/tpl")
say "  xxgk convert --to docx (one process, 1 thread): $(per "$x_total" "$n_json") ms per report, $(per "$x_nv" "$n_json") ms without the read-back check"
say "  docxtpl render + save (in-process, template loaded per report): $(per "$d_inproc" "$n_json") ms per report -> xxgk is $(ratio "$(per "$d_inproc" "$n_json")" "$(per "$x_total" "$n_json")")x faster (with its check)"

# ------------------------------------------------ validating 1,000 reports
mkdir -p "$W/many"
i=0
while [ "$i" -lt "$VALIDATE" ]; do
    for f in tests/fixtures/valid/*.json; do
        [ "$i" -lt "$VALIDATE" ] || break
        cp "$f" "$W/many/$i.json"; i=$((i + 1))
    done
done
"$X" schema > "$W/schema.json"
say "validating $VALIDATE JSON reports"
x_val=$(ms "$X" validate "$W/many" --jobs 1 --quiet)
x_val_all=$(ms "$X" validate "$W/many" --quiet)
c_val=$(REPEAT=1 ms python3 -m check_jsonschema --schemafile "$W/schema.json" "$W"/many/*.json)
say "  xxgk validate (schema and rules, 1 thread): $x_val ms; with a thread per core (the default): $x_val_all ms"
say "  check-jsonschema (schema only): $c_val ms -> xxgk is $(ratio "$c_val" "$x_val")x faster"
if [ -n "$JSCLI" ]; then
    args=()
    for f in "$W"/many/*.json; do args+=(-i "$f"); done
    j_val=$(ms "$JSCLI" "$W/schema.json" "${args[@]}")
    say "  jsonschema-cli (schema only, 1 thread): $j_val ms -> xxgk takes $(ratio "$x_val" "$j_val")x its time on 1 thread, $(ratio "$x_val_all" "$j_val")x with its default threads"
fi

# ------------------------------------------------ a big batch on 1 and 2 cores
mkdir -p "$W/batch"
i=0
while [ "$i" -lt "$BATCH" ]; do
    for f in "${docs[@]}"; do
        [ "$i" -lt "$BATCH" ] || break
        ln "$f" "$W/batch/$i.docx" 2>/dev/null || cp "$f" "$W/batch/$i.docx"; i=$((i + 1))
    done
done
say "a batch of $BATCH DOCX files -> JSON"
# One core: the whole process pinned to CPU 0 (its writing thread included).
# Two cores: --jobs 2, unpinned. Each run writes into a folder of its own:
# deleting 10,000 files just before makes ext4 slower to create the next
# ones (it avoids reusing the freed inodes), which would penalise the run after.
one_core=()
command -v taskset >/dev/null && one_core=(taskset -c 0)
for jobs in 1 2; do
    if [ "$jobs" = 1 ]; then pin=("${one_core[@]}"); else pin=(); fi
    /usr/bin/time -f '%e %M' -o "$W/time$jobs" "${pin[@]}" "$X" convert "$W/batch" --out-dir "$W/batch-out$jobs" --jobs "$jobs" --quiet
    read -r secs kb < "$W/time$jobs"
    say "  --jobs $jobs${pin:+ (pinned to one core)}: $secs s, $(echo "scale=0; $BATCH / $secs" | bc) files/s, peak memory $((kb / 1024)) MB"
done
read -r s1 _ < "$W/time1"; read -r s2 _ < "$W/time2"
say "  2 cores give $(echo "scale=2; $s1 / $s2" | bc)x the throughput of 1"
