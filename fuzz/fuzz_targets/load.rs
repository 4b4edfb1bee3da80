//! Any bytes, read as any format: a report or an error, never a panic,
//! and a report that loads writes as JSON and XML.
//!
//! The first byte picks the format; the rest is the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xxgk::Format;

fuzz_target!(|data: &[u8]| {
    let Some((&first, input)) = data.split_first() else {
        return;
    };
    let format = Format::ALL[usize::from(first) % Format::ALL.len()];
    if let Ok(checked) = xxgk::load(input, format) {
        let _ = checked.render(Format::Json);
        let _ = checked.render(Format::Xml);
    }
});
