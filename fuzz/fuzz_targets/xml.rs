//! Any bytes, read as xml. See `xxgk::fuzzing::xml`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::xml(data));
