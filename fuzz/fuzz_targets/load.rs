//! Any bytes, read as any format (the first byte picks it). See `xxgk::fuzzing::load_any`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xxgk::fuzzing::load_any(data));
