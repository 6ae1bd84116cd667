//! Engine throughput at the provider's rate limit, against the mock on
//! loopback: 3,000 calls, lognormal latency (median 4 s, sigma 0.35) and a
//! 1,000 RPM limit, both at 20x time scale (200 ms, 20,000 RPM). Prints the
//! wall time against the lower bound set by the rate limit, the 429 share,
//! and the speed-up over the original design (batches of 40 with a barrier
//! between batches), measured in the same run.

#[path = "../tests/it/support/mock_provider.rs"]
mod mock_provider;

use std::sync::Arc;
use std::time::{Duration, Instant};

use callscope::analyze::Insight;
use callscope::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use callscope::config::Playbook;
use callscope::config::llm::LlmConfig;
use callscope::engine::{self, EngineOptions, Job, RunStats};
use callscope::metrics::Metrics;
use callscope::model::{Call, Speaker, Transcript, Turn};
use futures::stream;
use mock_provider::{Dialect, MockConfig, MockProvider};

const CALLS: usize = 3_000;
const TIME_SCALE: f64 = 20.0;
const REAL_RPM: f64 = 1_000.0;
const BATCH: usize = 40;
const DATA: &str = "data/persuasionforgood/full_dialog.csv";

struct Measured {
    name: &'static str,
    wall: Duration,
    stats: RunStats,
}

fn no_grounding(_: &mut Insight, _: &Call) {}

/// Dialogues from the real data set, repeated with fresh ids up to `n`.
fn calls(n: usize) -> Vec<Call> {
    let mut dialogues: Vec<(String, Vec<Turn>)> = Vec::new();
    let text = std::fs::read_to_string(DATA).unwrap_or_default();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for row in reader.records().flatten() {
        let (Some(unit), Some(role), Some(id)) = (row.get(1), row.get(3), row.get(4)) else {
            continue;
        };
        if dialogues.last().is_none_or(|d| d.0 != id) {
            dialogues.push((id.to_string(), Vec::new()));
        }
        let speaker = if role == "0" {
            Speaker::Agent
        } else {
            Speaker::Customer
        };
        if let Some(d) = dialogues.last_mut() {
            d.1.push(Turn {
                speaker,
                label: None,
                start_s: None,
                end_s: None,
                text: unit.to_string(),
            });
        }
    }
    if dialogues.is_empty() {
        dialogues.push(("synthetic".into(), Vec::new()));
    }
    (0..n)
        .map(|i| {
            let (id, turns) = &dialogues[i % dialogues.len()];
            let transcript = Transcript {
                raw: String::new(),
                turns: turns.clone(),
            };
            Call::single_leg(format!("{id}#{i}"), "main", transcript)
        })
        .collect()
}

fn jobs(calls: &[Call]) -> Vec<Job> {
    calls
        .iter()
        .map(|c| Job {
            call: c.clone(),
            metrics: Metrics::default(),
        })
        .collect()
}

async fn mock() -> MockProvider {
    MockProvider::start(MockConfig {
        latency_median: Duration::from_secs(4),
        latency_sigma: 0.35,
        time_scale: TIME_SCALE,
        rpm: Some(REAL_RPM),
        // One baseline batch may go at once: the baseline pays only for its barrier.
        rpm_burst: BATCH as f64,
        ..MockConfig::default()
    })
    .await
}

fn analyzer(mock: &MockProvider) -> Arc<LlmAnalyzer> {
    let mut opts = ProviderOptions::new(ProviderKind::OpenAi);
    opts.base_url = Some(mock.base_url(Dialect::OpenAi));
    opts.timeout = Duration::from_secs(30);
    let playbook = Playbook::empty();
    match LlmAnalyzer::new(
        &opts,
        &playbook,
        &LlmConfig::default(),
        Some("bench-key".into()),
        no_grounding,
    ) {
        Ok(a) => Arc::new(a),
        Err(e) => {
            eprintln!("cannot build analyzer: {e}");
            std::process::exit(1);
        }
    }
}

async fn streaming(name: &'static str, calls: &[Call], rpm: Option<u32>) -> Measured {
    let mock = mock().await;
    let opts = EngineOptions {
        rpm,
        max_concurrency: 512,
        initial_concurrency: 16,
        ..EngineOptions::default()
    };
    let started = Instant::now();
    let stats = engine::run(stream::iter(jobs(calls)), analyzer(&mock), opts, |_| {}).await;
    Measured {
        name,
        wall: started.elapsed(),
        stats,
    }
}

/// The original design: 40 calls at a time, the next batch only after the
/// slowest call of the previous one returned.
async fn batched(calls: &[Call]) -> Measured {
    let mock = mock().await;
    let analyzer = analyzer(&mock);
    let started = Instant::now();
    let mut total = RunStats::default();
    for batch in calls.chunks(BATCH) {
        let opts = EngineOptions {
            max_concurrency: BATCH,
            initial_concurrency: BATCH,
            ..EngineOptions::default()
        };
        let s = engine::run(
            stream::iter(jobs(batch)),
            Arc::clone(&analyzer),
            opts,
            |_| {},
        )
        .await;
        total.requests += s.requests;
        total.http_429 += s.http_429;
        total.done += s.done;
        total.failed += s.failed;
    }
    Measured {
        name: "baseline: batches of 40 + barrier",
        wall: started.elapsed(),
        stats: total,
    }
}

fn row(m: &Measured) {
    let share = m.stats.http_429 as f64 / m.stats.requests.max(1) as f64 * 100.0;
    println!(
        "| {:<36} | {:>7.2} | {:>6} | {:>6} | {:>5} | {:>6.2} % | {:>7.1} |",
        m.name,
        m.wall.as_secs_f64(),
        m.stats.done,
        m.stats.failed,
        m.stats.http_429,
        share,
        m.stats.done as f64 / m.wall.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs bench binaries too; measure only
    // under `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("engine bench: run it with `cargo bench --bench engine`");
        return;
    }
    let calls = calls(CALLS);
    let rate_per_s = REAL_RPM * TIME_SCALE / 60.0;
    let lower_bound = CALLS as f64 / rate_per_s;
    println!(
        "scenario: {CALLS} calls; latency median {} ms, sigma 0.35; limit {} RPM ({REAL_RPM} RPM at {TIME_SCALE}x)",
        4000.0 / TIME_SCALE,
        REAL_RPM * TIME_SCALE
    );
    let engine_rpm = streaming(
        "engine --rpm 20000",
        &calls,
        Some((REAL_RPM * TIME_SCALE) as u32),
    )
    .await;
    let engine_aimd = streaming("engine, no --rpm (AIMD on 429 only)", &calls, None).await;
    let baseline = batched(&calls).await;
    println!(
        "| run                                  | wall s  | done   | failed | 429   | 429 share | calls/s |"
    );
    println!(
        "|--------------------------------------|---------|--------|--------|-------|-----------|---------|"
    );
    for m in [&engine_rpm, &engine_aimd, &baseline] {
        row(m);
    }
    let share = |m: &Measured| m.stats.http_429 as f64 / m.stats.requests.max(1) as f64 * 100.0;
    let wall = engine_rpm.wall.as_secs_f64();
    println!("lower bound set by the rate limit: {lower_bound:.2} s");
    println!(
        "wall / lower bound: {:.3}x (target <= 1.10)",
        wall / lower_bound
    );
    println!("429 share: {:.2} % (target < 5 %)", share(&engine_rpm));
    println!(
        "speed-up vs batches of 40: {:.2}x (target >= 3)",
        baseline.wall.as_secs_f64() / wall
    );
    println!(
        "without --rpm: {:.3}x the lower bound, {:.2} % 429, {:.2}x the baseline",
        engine_aimd.wall.as_secs_f64() / lower_bound,
        share(&engine_aimd),
        baseline.wall.as_secs_f64() / engine_aimd.wall.as_secs_f64()
    );
}
