//! Damaged copies of every reader fixture: each must give a report or an
//! error, never a panic. The damage is deterministic (a fixed-seed
//! generator), so a failure reproduces; the fuzzing proper is issue 8's.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use xxgk::Format;
use xxgk::convert::{Hints, load_with};

/// xorshift64*: small, deterministic, good enough to pick bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One kind of damage, chosen by the generator.
fn mangle(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    match rng.below(5) {
        0 => b.truncate(rng.below(b.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let (i, j) = (rng.below(b.len()), rng.below(b.len()));
            let (i, j) = (i.min(j), i.max(j));
            b.drain(i..j.min(i + 64));
        }
        3 => {
            let i = rng.below(b.len());
            let chunk: Vec<u8> = b[i..(i + 32).min(b.len())].to_vec();
            let at = rng.below(b.len());
            b.splice(at..at, chunk);
        }
        _ => {
            let i = rng.below(b.len());
            b[i] = [b'<', b'>', b'&', b'|', 0, 0xFF, b'"'][rng.below(7)];
        }
    }
    b
}

/// Text-level damage for DOCX: the zip is rebuilt around a damaged
/// document.xml, so the XML reader (not only the zip reader) is exercised.
fn mangle_docx_xml(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "word/document.xml" {
            data = mangle(&data, rng);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn fixtures() -> Vec<(PathBuf, Format)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for (dir, format) in [
        ("docx", Format::Docx),
        ("html", Format::Html),
        ("text", Format::Text),
    ] {
        for e in fs::read_dir(root.join(dir)).unwrap() {
            out.push((e.unwrap().path(), format));
        }
    }
    // The published PDFs of the public corpus.
    for rel in [
        "zxj6827111-blip+KIROGOVCOMPARE/sample_pdfs_v1/hzq2023_working.pdf",
        "zxj6827111-blip+govnianbao/szfgs2024.pdf",
    ] {
        out.push((
            root.join("../../../shared/corpus/public").join(rel),
            Format::Pdf,
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn damaged_inputs_give_errors_not_panics() {
    let mut rng = Rng(0x005E_ED0F_2026);
    let mut outcomes = (0, 0);
    for (path, format) in fixtures() {
        let bytes = fs::read(&path).unwrap();
        for round in 0..60 {
            let damaged = if format == Format::Docx && round % 2 == 0 {
                mangle_docx_xml(&bytes, &mut rng)
            } else {
                mangle(&bytes, &mut rng)
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                load_with(&damaged, format, &Hints::default()).map(|c| c.render(Format::Json))
            }));
            match result {
                Ok(Ok(_)) => outcomes.0 += 1,
                Ok(Err(_)) => outcomes.1 += 1,
                Err(_) => panic!("{} round {round}: a panic", path.display()),
            }
        }
    }
    // Both outcomes occur: the damage is neither always fatal nor always harmless.
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}
