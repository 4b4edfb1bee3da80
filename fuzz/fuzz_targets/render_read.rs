//! Fuzz-chosen strings in a valid report, written as DOCX and read back. See `xxgk::fuzzing::render_read`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::render_read(data));
