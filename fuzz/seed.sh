#!/bin/sh
# Seeds each target's corpus (fuzz/corpus/<target>/) with the fixtures of
# its format and with the committed replay corpus (tests/fixtures/fuzz/).
# `load` takes every fixture behind the byte that picks its format (the
# order of Format::ALL: json xml docx html text pdf). The pdf target
# gets the PDFs of the public corpus and of the tests' fixtures.
set -e
cd "$(dirname "$0")"
root=../tests/fixtures
for t in load json xml docx html text render_read; do
    mkdir -p "corpus/$t"
    if [ -d "$root/fuzz/$t" ]; then
        cp "$root/fuzz/$t"/* "corpus/$t/"
    fi
done

n=0
for f in "$root"/valid/*.json "$root"/docx/*.docx "$root"/html/* "$root"/text/*; do
    case "$f" in
        *.json) b='\000' ;; *.docx) b='\002' ;; *.html) b='\003' ;; *) b='\004' ;;
    esac
    n=$((n + 1))
    { printf "$b"; cat "$f"; } > "corpus/load/seed-$n"
done

# Each reader: the fixtures of its format, named after their folder.
for pair in json:valid json:invalid json:rules docx:docx docx:templates html:html text:text; do
    t=${pair%%:*} dir=${pair#*:}
    for f in "$root/$dir"/*; do
        cp "$f" "corpus/$t/$dir-$(basename "$f")"
    done
done

# XML: each valid report as the library writes it ($XXGK: a built xxgk).
xxgk=${XXGK:-"cargo run -q --manifest-path ../Cargo.toml --"}
for f in "$root"/valid/*.json; do
    x="corpus/xml/$(basename "$f" .json).xml"
    $xxgk convert "$f" -o "$x"
done
{ printf '\001'; cat corpus/xml/seed-2020-hengyang.xml; } > corpus/load/seed-xml

# render_read: pieces separated by 0xFF, each a place-picking byte and the
# string put there.
printf '\000第一行\n第二行\t制表\377\005一、总体情况\377\011 前后空格 \377\040/\377\041\342\200\224' > corpus/render_read/seed-1
printf '\002<w:t>&amp;</w:t>\377\003\r\n\377\100  12  \377\101-0\377\1021.50' > corpus/render_read/seed-2
printf '\007\001\002' > corpus/render_read/seed-3

mkdir -p corpus/pdf
for f in ../../shared/corpus/public/*/*.pdf ../../shared/corpus/public/*/*/*.pdf "$root"/pdf/*.pdf; do
    [ -f "$f" ] && cp "$f" "corpus/pdf/$(basename "$f")"
done
