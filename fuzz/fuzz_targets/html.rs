//! Any bytes, read as html. See `xxgk::fuzzing::html`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::html(data));
