//! Engine throughput at the provider's rate limit, against the mock on
//! loopback, without `--rpm` (the engine finds the limit), in three
//! scenarios: 3,000 calls at 20,000 RPM with latency median 200 ms (sigma
//! 0.35); a slow provider (1,000 calls, median 2 s, 2,000 RPM); and a low
//! limit (1,000 calls at 300 RPM, time compressed 20x). Each prints the wall
//! time against the lower bound set by the rate limit, the 429 share, and
//! the speed-up over the original design (batches of 40 with a barrier
//! between batches) measured in the same run; the first scenario also runs
//! with OpenAI's rate-limit headers on every answer. Prompts are built from
//! real dialogues with real metrics and the generic playbook, and the mean
//! prompt tokens per request (as the mock counts them) is printed.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table

#[path = "../tests/it/support/mock_provider.rs"]
mod mock_provider;

use std::sync::Arc;
use std::time::{Duration, Instant};

use callscope::analyze::Insight;
use callscope::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use callscope::config::Playbook;
use callscope::config::llm::LlmConfig;
use callscope::engine::{self, EngineOptions, Job, RunStats};
use callscope::model::{Call, Speaker, Transcript, Turn};
use futures::stream;
use mock_provider::{Dialect, MockConfig, MockProvider};

const BATCH: usize = 40;
const DATA: &str = "data/persuasionforgood/full_dialog.csv";

#[derive(Clone, Copy)]
struct Scenario {
    name: &'static str,
    calls: usize,
    /// Real latency median and limit, run `time_scale` times faster.
    latency_median: Duration,
    real_rpm: f64,
    time_scale: f64,
    dialect: Dialect,
    headers: bool,
}

impl Scenario {
    fn rate_per_s(&self) -> f64 {
        self.real_rpm * self.time_scale / 60.0
    }

    fn lower_bound(&self) -> f64 {
        self.calls as f64 / self.rate_per_s()
    }
}

const SCENARIOS: [Scenario; 4] = [
    Scenario {
        name: "3,000 calls, 200 ms, 20,000 RPM",
        calls: 3_000,
        latency_median: Duration::from_secs(4),
        real_rpm: 1_000.0,
        time_scale: 20.0,
        dialect: Dialect::Gemini,
        headers: false,
    },
    Scenario {
        name: "same, OpenAI rate-limit headers",
        calls: 3_000,
        latency_median: Duration::from_secs(4),
        real_rpm: 1_000.0,
        time_scale: 20.0,
        dialect: Dialect::OpenAi,
        headers: true,
    },
    Scenario {
        name: "slow: 1,000 calls, 2 s, 2,000 RPM",
        calls: 1_000,
        latency_median: Duration::from_secs(2),
        real_rpm: 2_000.0,
        time_scale: 1.0,
        dialect: Dialect::Gemini,
        headers: false,
    },
    Scenario {
        name: "low limit: 1,000 calls, 300 RPM",
        calls: 1_000,
        latency_median: Duration::from_secs(4),
        real_rpm: 300.0,
        time_scale: 20.0,
        dialect: Dialect::Gemini,
        headers: false,
    },
];

struct Measured {
    wall: Duration,
    stats: RunStats,
}

impl Measured {
    fn share_429(&self) -> f64 {
        self.stats.http_429 as f64 / self.stats.requests.max(1) as f64 * 100.0
    }
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
                ..Turn::new(None, unit)
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
                rows: Vec::new(),
            };
            Call::single_leg(format!("{id}#{i}"), "main", transcript)
        })
        .collect()
}

fn jobs(calls: &[Call]) -> Vec<Job> {
    let playbook = Playbook::generic();
    let phrases = callscope::metrics::PhraseBook::new(&playbook).expect("phrase book");
    calls
        .iter()
        .map(|c| Job {
            call: c.clone(),
            metrics: callscope::metrics::compute(c, &playbook, &phrases, 300.0),
        })
        .collect()
}

async fn mock(s: &Scenario) -> MockProvider {
    MockProvider::start(MockConfig {
        latency_median: s.latency_median,
        latency_sigma: 0.35,
        time_scale: s.time_scale,
        rpm: Some(s.real_rpm),
        // One baseline batch may go at once: the baseline pays only for its barrier.
        rpm_burst: BATCH as f64,
        ratelimit_headers: s.headers,
        keep_bodies: false,
        ..MockConfig::default()
    })
    .await
}

fn analyzer(mock: &MockProvider, dialect: Dialect) -> Arc<LlmAnalyzer> {
    let kind = match dialect {
        Dialect::Gemini => ProviderKind::Gemini,
        Dialect::OpenAi => ProviderKind::OpenAi,
        Dialect::Ollama => ProviderKind::Ollama,
    };
    let mut opts = ProviderOptions::new(kind);
    opts.base_url = Some(mock.base_url(dialect));
    opts.timeout = Duration::from_secs(60);
    let playbook = Playbook::generic();
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

async fn streaming(s: &Scenario, calls: &[Call]) -> Measured {
    let mock = mock(s).await;
    let started = Instant::now();
    let stats = engine::run(
        stream::iter(jobs(calls)),
        analyzer(&mock, s.dialect),
        EngineOptions::default(),
        |_| {},
    )
    .await;
    Measured {
        wall: started.elapsed(),
        stats,
    }
}

/// The original design: 40 calls at a time, the next batch only after the
/// slowest call of the previous one returned.
async fn batched(s: &Scenario, calls: &[Call]) -> Measured {
    let mock = mock(s).await;
    let analyzer = analyzer(&mock, s.dialect);
    let started = Instant::now();
    let mut total = RunStats::default();
    for batch in calls.chunks(BATCH) {
        let opts = EngineOptions {
            max_concurrency: BATCH,
            rpm: Some((s.real_rpm * s.time_scale) as u32),
            ..EngineOptions::default()
        };
        let r = engine::run(
            stream::iter(jobs(batch)),
            Arc::clone(&analyzer),
            opts,
            |_| {},
        )
        .await;
        total.requests += r.requests;
        total.http_429 += r.http_429;
        total.done += r.done;
        total.failed += r.failed;
    }
    Measured {
        wall: started.elapsed(),
        stats: total,
    }
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs bench binaries too; measure only
    // under `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("engine bench: run it with `cargo bench --bench engine`");
        return;
    }
    let only: Option<usize> = std::env::args().find_map(|a| a.parse().ok());
    println!(
        "| scenario | bound s | engine s | x bound | 429 share | done | failed | batches-of-40 s | speed-up | prompt tokens/request |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (i, s) in SCENARIOS.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let calls = calls(s.calls);
        let engine = streaming(s, &calls).await;
        let baseline = batched(s, &calls).await;
        let wall = engine.wall.as_secs_f64();
        println!(
            "| {} | {:.2} | {:.2} | {:.3} | {:.2} % | {} | {} | {:.2} | {:.2}x | {} |",
            s.name,
            s.lower_bound(),
            wall,
            wall / s.lower_bound(),
            engine.share_429(),
            engine.stats.done,
            engine.stats.failed,
            baseline.wall.as_secs_f64(),
            baseline.wall.as_secs_f64() / wall,
            engine.stats.tokens_in / engine.stats.requests.max(1),
        );
    }
    println!(
        "targets: <= 1.05x the bound (3,000 calls), <= 1.10x (slow), 429s < 5 %, >= 3.4x the baseline"
    );
}
