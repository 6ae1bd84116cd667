//! Output equivalence across optimisations: the offline run of a generated
//! input writes `insights.csv`, `utterances.csv` and `report.md` byte for byte
//! as the previous design did (expectations in `tests/fixtures/equivalence`,
//! written by the release binary before the speed work of issue 14; only the
//! report's generation time is masked).
//!
//! A change that is meant to alter the outputs (a retrained model, a new
//! column) regenerates them: `UPDATE_EQUIVALENCE=1 cargo test --test it
//! output_equivalence`, and the diff is reviewed like any snapshot.

use std::path::Path;

use regex::Regex;

use crate::support::cli::{callscope, demo_calls, stderr};

const CALLS: u32 = 30;
const SEED: u64 = 14;
const FILES: [&str; 3] = ["insights.csv", "utterances.csv", "report.md"];

fn masked(text: &str) -> String {
    let time = Regex::new(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").expect("time pattern");
    time.replace_all(text, "<time>").into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn outputs_match_the_previous_design_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    demo_calls(dir.path(), CALLS, SEED);
    // Relative paths, as the report names its input.
    let run = callscope()
        .current_dir(dir.path())
        .args(["analyze", "calls.csv", "--out", "out", "--quiet"])
        .output()
        .expect("run analyze");
    assert!(run.status.success(), "{}", stderr(&run));
    let out = dir.path().join("out");
    let expected = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/equivalence");
    let update = std::env::var_os("UPDATE_EQUIVALENCE").is_some();
    for file in FILES {
        let got = masked(&read(&out.join(file)));
        if update {
            std::fs::write(expected.join(file), &got).expect("write the expectation");
            continue;
        }
        let want = read(&expected.join(file));
        let first_difference = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .map_or_else(|| "line count".to_string(), |i| format!("line {}", i + 1));
        assert!(
            got == want,
            "{file} differs from the previous design at {first_difference}"
        );
    }
}
