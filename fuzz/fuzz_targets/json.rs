//! Any bytes, read as json. See `xxgk::fuzzing::json`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::json(data));
