//! Fixtures for LLM and engine tests: a small playbook, calls built from
//! the real PersuasionForGood dialogues, and an analyzer pointed at a mock.
#![allow(dead_code)] // each test binary uses a different part of it

use std::sync::Arc;
use std::time::Duration;

use callscope::analyze::Insight;
use callscope::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use callscope::config::Playbook;
use callscope::config::llm::LlmConfig;
use callscope::config::playbook::{ObjectionType, ScriptSection};
use callscope::engine::{self, EngineOptions, Job, JobResult, RunStats};
use callscope::metrics::Metrics;
use callscope::model::{Call, Speaker, Transcript, Turn};

use super::mock_provider::{Dialect, MockProvider};

pub const DATA: &str = "data/persuasionforgood/full_dialog.csv";

pub fn playbook() -> Playbook {
    Playbook {
        enabled: true,
        company_context: "Save the Children asks for donations by chat.".into(),
        sections: vec![
            ScriptSection {
                id: "greeting".into(),
                name: "Greeting".into(),
                phrases: vec!["hello".into(), "how are you".into()],
                situational: false,
            },
            ScriptSection {
                id: "ask".into(),
                name: "Donation ask".into(),
                phrases: vec!["donate".into()],
                situational: false,
            },
        ],
        core_sections: None,
        purpose_section: Some("ask".into()),
        objections: vec![ObjectionType {
            id: "no_money".into(),
            name: "No money".into(),
            phrases: vec!["can't afford".into()],
            rebuttal: "Acknowledge, show small amounts matter, ask.".into(),
            stage: None,
            ends_call_as: None,
        }],
        buying_signals: vec!["i will donate".into()],
        termination_reasons: vec![],
        rebuttal_cues: Playbook::generic().rebuttal_cues,
    }
}

/// Marks every quote grounded when its text occurs in the transcript.
pub fn ground(insight: &mut Insight, call: &Call) {
    let text: String = call
        .legs
        .iter()
        .map(|l| l.transcript.raw.as_str())
        .collect();
    let mark =
        |q: &mut callscope::analyze::insight::Quote| q.grounded = Some(text.contains(&q.text));
    insight.notable_quotes.iter_mut().for_each(mark);
}

/// Calls from the real dialogue file (ids are the dialogue ids).
pub fn real_calls(limit: usize) -> Vec<Call> {
    let mut reader = csv::Reader::from_path(DATA).expect("dataset present");
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let (text_i, turn_i, role_i, conv_i) = (col("Unit"), col("Turn"), col("B4"), col("B2"));
    let mut calls: Vec<Call> = Vec::new();
    for row in reader.records() {
        let row = row.expect("row");
        let id = row[conv_i].to_string();
        if calls.last().is_none_or(|c| c.id != id) {
            if calls.len() == limit {
                break;
            }
            calls.push(call(&id));
        }
        let speaker = if &row[role_i] == "0" {
            Speaker::Agent
        } else {
            Speaker::Customer
        };
        let leg = &mut calls.last_mut().expect("pushed").legs[0];
        let text = row[text_i].to_string();
        leg.transcript
            .raw
            .push_str(&format!("{}: {text}\n", &row[turn_i]));
        leg.transcript.turns.push(Turn {
            speaker,
            ..Turn::new(None, text)
        });
    }
    calls
}

pub fn call(id: &str) -> Call {
    Call {
        agent: Some("persuader".into()),
        ..Call::single_leg(id, "main", Transcript::default())
    }
}

pub fn jobs(calls: Vec<Call>) -> Vec<Job> {
    calls
        .into_iter()
        .map(|call| Job {
            call,
            metrics: Metrics::default(),
        })
        .collect()
}

pub fn dialect(kind: ProviderKind) -> Dialect {
    match kind {
        ProviderKind::Gemini => Dialect::Gemini,
        ProviderKind::OpenAi => Dialect::OpenAi,
        ProviderKind::Ollama => Dialect::Ollama,
    }
}

pub const KEY: &str = "sk-test-SECRET-0123456789";

pub fn analyzer(mock: &MockProvider, kind: ProviderKind, timeout: Duration) -> Arc<LlmAnalyzer> {
    let mut opts = ProviderOptions::new(kind);
    opts.base_url = Some(mock.base_url(dialect(kind)));
    opts.timeout = timeout;
    let key = kind.key_var().map(|_| KEY.to_string());
    Arc::new(
        LlmAnalyzer::new(&opts, &playbook(), &LlmConfig::default(), key, ground).expect("analyzer"),
    )
}

/// Runs the engine with default options over the first `calls` real
/// dialogues, collecting every result.
pub async fn run_engine(analyzer: Arc<LlmAnalyzer>, calls: usize) -> (Vec<JobResult>, RunStats) {
    let mut results = Vec::new();
    let stats = engine::run(
        futures::stream::iter(jobs(real_calls(calls))),
        analyzer,
        EngineOptions::default(),
        |r| results.push(r),
    )
    .await;
    (results, stats)
}
