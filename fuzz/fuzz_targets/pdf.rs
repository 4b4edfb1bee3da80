//! Any bytes, read as a PDF: a document or an error, never a panic; a
//! document that reads is recognized and validated too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xxgk::Format;

fuzz_target!(|data: &[u8]| {
    if xxgk::read::pdf::read(data).is_ok() {
        let _ = xxgk::load(data, Format::Pdf);
    }
});
