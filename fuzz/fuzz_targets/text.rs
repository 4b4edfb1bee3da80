//! Any bytes, read as text. See `xxgk::fuzzing::text`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::text(data));
