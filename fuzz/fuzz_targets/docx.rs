//! Any bytes, read as docx. See `xxgk::fuzzing::docx`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::docx(data));
