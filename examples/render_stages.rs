//! Instruction counts of rendering a report as DOCX, for profiling:
//! `N=12 valgrind --tool=callgrind target/release/examples/render_stages`.
use xxgk::{Format, load};

/// The allocator the `xxgk` command uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let bytes = std::fs::read("tests/fixtures/valid/huaian-2024.json").unwrap();
    let checked = load(&bytes, Format::Json).unwrap();
    let t = xxgk::write::template::builtin("official-2021").unwrap();
    let n: u32 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let s = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(xxgk::write::docx::render(&checked.report, &t).unwrap());
    }
    println!("render {:?}", s.elapsed() / n.max(1));
}
