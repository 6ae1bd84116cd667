//! Fuzz target: arbitrary bytes written to a `.csv` file, opened with
//! `input::open` under one of several configs (chosen by the first byte),
//! and every row of the stream read. Errors are fine; panics are not.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use callscope::config::Config;
use callscope::input::{InputSpec, open};
use libfuzzer_sys::fuzz_target;

const CONFIGS: [&str; 4] = [
    "",
    "[input]\nprofile = \"vici-lgs-omc\"\n",
    r#"
    [input]
    profile = "custom"
    passthrough = ["region"]
    [input.columns]
    call_id = "ref"
    started_at = "when"
    [[input.legs]]
    name = "opener"
    agent = "opener"
    duration = "open_s"
    transcript = ["open_text", "open_more"]
    [[input.legs]]
    name = "closer"
    agent = "closer"
    duration = "close_s"
    transcript = ["close_text"]
    "#,
    "[input]\nlayout = \"utterance-per-row\"\n[speakers]\nagent = [\"rep\"]\n",
];

struct Setup {
    path: PathBuf,
    configs: Vec<Config>,
    _dir: tempfile::TempDir,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        Setup {
            path: dir.path().join("input.csv"),
            configs: CONFIGS
                .iter()
                .map(|t| Config::parse(t, "fuzz").expect("fuzz config"))
                .collect(),
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let setup = setup();
    let cfg = &setup.configs[usize::from(selector) % setup.configs.len()];
    std::fs::write(&setup.path, bytes).expect("write input");
    let spec = InputSpec {
        path: setup.path.clone(),
        calls_meta: None,
    };
    if let Ok(stream) = open(&spec, cfg) {
        for row in stream {
            std::hint::black_box(row);
        }
    }
});
