//! Fuzz target: arbitrary bytes written to a `.jsonl` file, opened with
//! `input::open`, and every line of the stream read. Panics are failures.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use callscope::config::Config;
use callscope::input::{InputSpec, open};
use libfuzzer_sys::fuzz_target;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PATH
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("calls.jsonl");
            (dir, path)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let path = path();
    std::fs::write(path, data).expect("write input");
    let spec = InputSpec {
        path: path.clone(),
        calls_meta: None,
    };
    if let Ok(stream) = open(&spec, &Config::default()) {
        for row in stream {
            std::hint::black_box(row);
        }
    }
});
