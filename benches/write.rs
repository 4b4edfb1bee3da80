//! Writing reports: a validated report as JSON and as XML, and as DOCX
//! through the built-in template (Handlebars, the well-formedness check of
//! each part, the zip), alone and with the read-back check that `convert`
//! does by default.
//!
//! Run: `cargo bench --bench write`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the `xxgk` command uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xxgk::convert::WriteOptions;
use xxgk::{Format, load};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/valid")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("write");
    for name in ["seed-2020-hengyang.json", "huaian-2024.json"] {
        let checked = load(&fixture(name), Format::Json).unwrap();
        let fast = WriteOptions {
            no_verify: true,
            ..WriteOptions::default()
        };
        let checked_back = WriteOptions::default();
        g.bench_function(format!("JSON {name}"), |b| {
            b.iter(|| black_box(checked.render(Format::Json).unwrap().len()))
        });
        g.bench_function(format!("XML {name}"), |b| {
            b.iter(|| black_box(checked.render(Format::Xml).unwrap().len()))
        });
        g.bench_function(format!("render {name}"), |b| {
            b.iter(|| black_box(checked.write(Format::Docx, &fast).unwrap().bytes.len()))
        });
        g.bench_function(format!("render and read back {name}"), |b| {
            b.iter(|| {
                black_box(
                    checked
                        .write(Format::Docx, &checked_back)
                        .unwrap()
                        .bytes
                        .len(),
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
