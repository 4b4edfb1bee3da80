#!/usr/bin/env bash
# Regenerates the pictures in README.md: the bundled sample converted to
# DOCX by xxgk, printed to PDF by LibreOffice, and its first page and the
# page where table 3 starts rendered to PNG.
#
#   bash docs/render-sample.sh     # needs soffice and pdftoppm (see .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/sample
mkdir -p "$out"
cargo run --release --quiet -- convert samples/hengyang-2020.txt \
    --title "衡阳市自然资源和规划局2020年政府信息公开工作年度报告" \
    -o "$out/hengyang-2020.docx"
soffice --headless --convert-to pdf --outdir "$out" "$out/hengyang-2020.docx" >/dev/null
pdf="$out/hengyang-2020.pdf"
pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
table3=1
for p in $(seq 1 "$pages"); do
    if pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "三、收到和处理政府信息公开申请情况"; then
        table3=$p
        break
    fi
done
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$pdf" docs/sample-page-1
pdftoppm -r 60 -png -f "$table3" -l "$table3" -singlefile "$pdf" docs/sample-table-3
echo "docs/sample-page-1.png, docs/sample-table-3.png (page $table3 of $pages)"
