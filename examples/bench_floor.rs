//! The floor for reading a .docx: inflate `word/document.xml` and walk its
//! XML events with quick-xml, nothing else. Used by `benches/instructions.sh`.
//!
//! `cargo run --release --example bench_floor -- FILE.docx [ITERATIONS]`

use std::io::Read;

/// The allocator the `xxgk` command uses.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("a .docx file");
    let n: usize = args.next().map_or(50, |s| s.parse().expect("a number"));
    let bytes = std::fs::read(path).expect("readable file");
    for _ in 0..n {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).expect("zip");
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .expect("word/document.xml")
            .read_to_string(&mut xml)
            .expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event().expect("well-formed") {
                quick_xml::events::Event::Eof => break,
                e => {
                    std::hint::black_box(&e);
                }
            }
        }
    }
}
