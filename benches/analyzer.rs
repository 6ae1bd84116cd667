//! Analyzer throughput: calls per second on one core for each offline stage
//! over generated calls (sentence detectors included), with each stage's
//! cost as a ratio of reading and parsing the same calls (the baseline,
//! measured in the same run).
//!
//! `cargo bench --bench analyzer -- 20000` (default 10000 calls).

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table

use std::hint::black_box;
use std::time::Instant;

use callscope::analyze::detect::builtin;
use callscope::analyze::{grounding, heuristic};
use callscope::config::{Config, Playbook};
use callscope::demo::{self, DemoLayout, DemoOptions};
use callscope::input::{self, InputSpec, RowResult};
use callscope::metrics::{self, PhraseBook};
use callscope::model::Call;

fn main() {
    // `cargo test --all-targets` runs benches as tests; measure only under
    // `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("analyzer bench: run it with `cargo bench --bench analyzer`");
        return;
    }
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("calls.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let opts = DemoOptions {
        calls: n,
        seed: 11,
        layout: DemoLayout::Generic,
    };
    demo::generate(&opts, &mut file).expect("generate");
    drop(file);
    let config = Config::default();
    let playbook = Playbook::generic();
    let phrases = PhraseBook::new(&playbook).expect("phrase book");
    let threshold = config.analysis.short_call_threshold_s;

    let (calls, parse_s) = timed(|| read(&path, &config));
    let (metrics, metrics_s) = timed(|| {
        calls
            .iter()
            .map(|c| metrics::compute(c, &playbook, &phrases, threshold))
            .collect::<Vec<_>>()
    });
    let detectors = builtin();
    let (tags, detect_s) = timed(|| {
        calls
            .iter()
            .map(|c| detectors.tag_call(c))
            .collect::<Vec<_>>()
    });
    let sentences: usize = tags.iter().map(Vec::len).sum();
    let ((), heuristic_s) = timed(|| {
        for ((call, m), t) in calls.iter().zip(&metrics).zip(&tags) {
            let mut insight = heuristic::analyze(call, m, t, &playbook, &phrases, threshold);
            grounding::ground(&mut insight, call);
            black_box(insight);
        }
    });
    println!("{n} generated calls ({sentences} sentences), one core");
    println!(
        "{:<34} {:>10} {:>12} {:>10}",
        "stage", "seconds", "calls/s", "x parse"
    );
    for (name, s) in [
        ("read + normalise + parse (baseline)", parse_s),
        ("metrics", metrics_s),
        ("sentence detectors (tagging)", detect_s),
        ("heuristic analyzer + grounding", heuristic_s),
        (
            "metrics + detectors + heuristic",
            metrics_s + detect_s + heuristic_s,
        ),
    ] {
        println!(
            "{name:<34} {s:>10.3} {:>12.0} {:>10.2}",
            n as f64 / s,
            s / parse_s
        );
    }
}

fn read(path: &std::path::Path, config: &Config) -> Vec<Call> {
    let spec = InputSpec {
        path: path.to_path_buf(),
        calls_meta: None,
    };
    input::open(&spec, config)
        .expect("open")
        .filter_map(|row| match row {
            RowResult::Call(call, _) => Some(*call),
            RowResult::Skipped(_) => None,
        })
        .collect()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed().as_secs_f64())
}
