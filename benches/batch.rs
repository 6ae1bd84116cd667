//! The batch path at scale: 10,000 demo calls through the mock's batch API
//! (`callscope analyze --batch --wait`, the release binary, OpenAI Files +
//! Batches and Gemini Batch Mode), then a streaming run of the same calls
//! against the same mock. Prints the requests sent (batches, requests in
//! them, HTTP requests), the calls stored, and the money accounted at batch
//! prices against the streaming price of the same tokens.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table

#[path = "../tests/it/support/mock_provider.rs"]
mod mock_provider;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use mock_provider::{Dialect, MockConfig, MockProvider};
use serde_json::Value;

const CALLS: u32 = 10_000;
const KEY: &str = "bench-key";

fn callscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callscope"));
    cmd.env("GEMINI_API_KEY", KEY)
        .env("OPENAI_API_KEY", KEY)
        .env_remove("CALLSCOPE_LOG");
    cmd
}

fn run_json(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("run.json")).expect("run.json");
    serde_json::from_str(&text).expect("run.json is JSON")
}

fn analyze(
    input: &Path,
    dialect: Dialect,
    mock: &MockProvider,
    out: &Path,
    extra: &[&str],
) -> (Value, f64) {
    let provider = match dialect {
        Dialect::Gemini => "gemini",
        Dialect::OpenAi | Dialect::Ollama => "openai",
    };
    let started = Instant::now();
    let status = callscope()
        .arg("analyze")
        .arg(input)
        .args([
            "--provider",
            provider,
            "--base-url",
            &mock.base_url(dialect),
            "--out",
        ])
        .arg(out)
        .args(["--formats", "jsonl", "--quiet"])
        .args(extra)
        .status()
        .expect("run callscope");
    assert!(status.success(), "analyze failed");
    (run_json(out), started.elapsed().as_secs_f64())
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("calls.csv");
    let status = callscope()
        .args([
            "demo-data",
            "--calls",
            &CALLS.to_string(),
            "--seed",
            "11",
            "--out",
        ])
        .arg(&input)
        .status()
        .expect("demo-data");
    assert!(status.success());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!("batch bench: {CALLS} calls, `analyze --batch --wait` against the mock's batch API");
    println!(
        "| provider | batches | requests in batches | HTTP requests | calls stored | cost at batch price | same tokens streaming | streaming run cost | wall s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for dialect in [Dialect::OpenAi, Dialect::Gemini] {
        let mock = runtime.block_on(MockProvider::start(MockConfig {
            keep_bodies: false,
            batch_polls: 3,
            ..MockConfig::default()
        }));
        let out = dir.path().join(format!("{dialect:?}-batch"));
        let (batch, wall) = analyze(
            &input,
            dialect,
            &mock,
            &out,
            &["--batch", "--wait", "--batch-poll-s", "0.05"],
        );
        let (batches, requests) = mock.batches_created();
        let b = &batch["batch"];
        let streaming_out = dir.path().join(format!("{dialect:?}-streaming"));
        let (streaming, _) = analyze(&input, dialect, &mock, &streaming_out, &[]);
        let money = |v: &Value| {
            v.as_f64()
                .map_or("unknown".to_string(), |c| format!("${c:.2}"))
        };
        println!(
            "| {dialect:?} | {batches} | {requests} | {} | {} | {} | {} | {} | {wall:.1} |",
            b["http_requests"],
            batch["calls_analyzed"],
            money(&b["cost_usd"]),
            money(&b["streaming_cost_usd"]),
            money(&streaming["cost_usd"]),
        );
        let ratio = b["cost_usd"].as_f64().unwrap_or(0.0)
            / streaming["cost_usd"].as_f64().unwrap_or(f64::NAN);
        println!("  {dialect:?}: batch cost / streaming run cost = {ratio:.3}");
    }
}
