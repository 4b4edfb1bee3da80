#!/bin/sh
# Seeds the fuzz corpus with every fixture, each behind the byte that picks
# its format (the order of Format::ALL: json xml docx html text pdf); the pdf target
# gets the PDFs of the public corpus and the tests' PDF fixtures.
set -e
cd "$(dirname "$0")"
mkdir -p corpus/load
root=../tests/fixtures
n=0
for f in "$root"/valid/*.json "$root"/docx/*.docx "$root"/html/* "$root"/text/*; do
    case "$f" in
        *.json) b='\000' ;; *.docx) b='\002' ;; *.html) b='\003' ;; *) b='\004' ;;
    esac
    n=$((n + 1))
    { printf "$b"; cat "$f"; } > "corpus/load/seed-$n"
done
cargo run -q --manifest-path ../Cargo.toml -- convert "$root/valid/seed-2020-hengyang.json" -o /tmp/xxgk-seed.xml
{ printf '\001'; cat /tmp/xxgk-seed.xml; } > corpus/load/seed-xml
mkdir -p corpus/pdf
for f in ../../shared/corpus/public/*/*.pdf ../../shared/corpus/public/*/*/*.pdf "$root"/pdf/*.pdf; do
    [ -f "$f" ] && cp "$f" "corpus/pdf/$(basename "$f")"
done
