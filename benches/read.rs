//! Reading reports: the floor (inflate `word/document.xml` and walk its XML
//! events, nothing else) against xxgk's whole path to validated JSON.
//!
//! Run: `cargo bench --bench read`. Peak heap per conversion is printed too,
//! measured by a counting allocator in this same run.

use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
#[cfg(feature = "mimalloc")]
use mimalloc::MiMalloc as Inner;
#[cfg(not(feature = "mimalloc"))]
use std::alloc::System as Inner;
use xxgk::Format;
use xxgk::convert::{Hints, MAX_INPUT_BYTES, load_with, verify};

/// Counts live and peak heap bytes (over mimalloc, the allocator the
/// `xxgk` command uses) while `COUNTING` is on, so that the
/// timed runs pay only for one relaxed load per allocation.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { Inner.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { Inner.dealloc(p, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The floor: inflate the main part and walk every XML event.
fn floor(bytes: &[u8]) -> usize {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut events = 0;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            e => {
                black_box(&e);
                events += 1;
            }
        }
    }
    events
}

fn to_json(bytes: &[u8], format: Format) -> Vec<u8> {
    let checked = load_with(bytes, format, &Hints::default()).unwrap();
    checked.render(Format::Json).unwrap()
}

/// Peak heap bytes allocated while `f` runs (what it frees of memory
/// allocated before is not counted).
fn peak_of(f: impl FnOnce()) -> usize {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    f();
    COUNTING.store(false, Ordering::Relaxed);
    PEAK.load(Ordering::Relaxed)
}

fn bench(c: &mut Criterion) {
    let docs = [
        (
            "seed-libreoffice.docx",
            "tests/fixtures/docx/seed-libreoffice.docx",
        ),
        (
            "seed-python-docx.docx",
            "tests/fixtures/docx/seed-python-docx.docx",
        ),
        (
            "huaian-2024-python-docx.docx",
            "tests/fixtures/docx/huaian-2024-python-docx.docx",
        ),
        ("seed-pandoc.docx", "tests/fixtures/docx/seed-pandoc.docx"),
        // The blank official form as published, made with Word/WPS.
        (
            "blank-form-wps.docx",
            "../shared/corpus/public/zxj6827111-blip+govnianbao/政务公开年报模版.docx",
        ),
    ];
    // Warm the compiled schema and rules, so that peaks are per document.
    let _ = to_json(&fixture(docs[0].1), Format::Docx);
    for (name, rel) in docs {
        let bytes = fixture(rel);
        let peak = peak_of(|| {
            black_box(to_json(&bytes, Format::Docx));
        });
        println!(
            "peak heap {name} -> validated JSON: {:.2} MB",
            peak as f64 / 1e6
        );
        let mut g = c.benchmark_group(name);
        g.bench_function("floor: inflate + quick-xml events", |b| {
            b.iter(|| floor(black_box(&bytes)))
        });
        g.bench_function("read to Doc", |b| {
            b.iter(|| xxgk::read::docx::read(black_box(&bytes)).unwrap())
        });
        g.bench_function("to validated JSON", |b| {
            b.iter(|| to_json(black_box(&bytes), Format::Docx))
        });
        g.finish();
    }
    // The stages of the path, on the seed (2019 tables) and a 2021 report.
    for (name, rel) in [
        (
            "stages (seed-2020)",
            "tests/fixtures/docx/seed-libreoffice.docx",
        ),
        (
            "stages (huaian-2024)",
            "tests/fixtures/docx/huaian-2024-python-docx.docx",
        ),
    ] {
        let bytes = fixture(rel);
        let doc = xxgk::read::docx::read(&bytes).unwrap();
        let hints = Hints::default();
        let report = xxgk::recognize::recognize(&doc, &hints).report;
        let value = serde_json::to_value(&report).unwrap();
        let mut g = c.benchmark_group(name);
        g.bench_function("recognize Doc -> Report", |b| {
            b.iter(|| xxgk::recognize::recognize(black_box(&doc), &hints))
        });
        g.bench_function("Report -> JSON value", |b| {
            b.iter(|| serde_json::to_value(black_box(&report)).unwrap())
        });
        g.bench_function("schema check", |b| {
            b.iter(|| xxgk::schema::check(black_box(&value)))
        });
        g.bench_function("rules check", |b| {
            b.iter(|| xxgk::rules::check(black_box(&value)))
        });
        g.bench_function("render JSON", |b| {
            b.iter(|| xxgk::render(black_box(&report), Format::Json).unwrap())
        });
        g.bench_function("render XML", |b| {
            b.iter(|| xxgk::render(black_box(&report), Format::Xml).unwrap())
        });
        g.finish();
    }

    let seed = fixture("../shared/seeds/000_9bba05bfd81d20bc.txt");
    c.bench_function("seed.txt to validated JSON", |b| {
        b.iter(|| to_json(black_box(&seed), Format::Text))
    });
    let html = fixture("tests/fixtures/html/hongze-2024-gbk.html");
    c.bench_function("hongze-2024-gbk.html to validated JSON", |b| {
        b.iter(|| to_json(black_box(&html), Format::Html))
    });
    for (name, rel) in [
        (
            "hzq2023_working.pdf",
            "../shared/corpus/public/zxj6827111-blip+KIROGOVCOMPARE/sample_pdfs_v1/hzq2023_working.pdf",
        ),
        (
            "hzq2024_working.pdf",
            "../shared/corpus/public/zxj6827111-blip+KIROGOVCOMPARE/sample_pdfs_v1/hzq2024_working.pdf",
        ),
        (
            "szfgs2024.pdf",
            "../shared/corpus/public/zxj6827111-blip+govnianbao/szfgs2024.pdf",
        ),
    ] {
        let bytes = fixture(rel);
        let mut g = c.benchmark_group(name);
        g.bench_function("read to Doc", |b| {
            b.iter(|| xxgk::read::pdf::read(black_box(&bytes)).unwrap())
        });
        g.bench_function("to validated JSON", |b| {
            b.iter(|| to_json(black_box(&bytes), Format::Pdf))
        });
        g.finish();
    }
    let json = fixture("tests/fixtures/valid/huaian-2024.json");
    // What `validate` runs on a file: the findings, without the typed report.
    c.bench_function("huaian-2024.json validate", |b| {
        b.iter(|| {
            verify(
                black_box(&json),
                Format::Json,
                &Hints::default(),
                MAX_INPUT_BYTES,
            )
            .unwrap()
        })
    });
    // What `convert` runs: validated, and the typed report built.
    c.bench_function("huaian-2024.json load", |b| {
        b.iter(|| load_with(black_box(&json), Format::Json, &Hints::default()).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
