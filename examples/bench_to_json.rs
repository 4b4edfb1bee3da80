//! xxgk's whole path for one file: read, recognize, validate (schema and
//! rules), write JSON. Used by `benches/instructions.sh`.
//!
//! `cargo run --release --example bench_to_json -- FILE [ITERATIONS]`

/// The allocator the `xxgk` command uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = std::path::PathBuf::from(args.next().expect("a report file"));
    let n: usize = args.next().map_or(50, |s| s.parse().expect("a number"));
    let format = xxgk::Format::from_path(&path).expect("a known extension");
    let bytes = std::fs::read(&path).expect("readable file");
    let hints = xxgk::convert::Hints::default();
    for _ in 0..n {
        let checked = xxgk::convert::load_with(&bytes, format, &hints).expect("a report");
        std::hint::black_box(checked.render(xxgk::Format::Json).expect("JSON"));
    }
}
