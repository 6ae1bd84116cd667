//! Answer validation against the mock: an invalid answer is re-asked once
//! with the validation error, then the call fails with the raw answer kept;
//! a call over the context budget is flagged without being sent.

use std::sync::Arc;
use std::time::Duration;

use callscope::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use callscope::config::llm::LlmConfig;
use callscope::engine::{JobResult, RunStats};

use crate::support::fixtures;
use crate::support::mock_provider::{Fault, MockConfig, MockProvider};

async fn run(analyzer: Arc<LlmAnalyzer>, calls: usize) -> (Vec<JobResult>, RunStats) {
    fixtures::run_engine(analyzer, calls).await
}

fn faulty(faults: Vec<Fault>) -> MockConfig {
    MockConfig {
        per_call_faults: faults,
        ..MockConfig::default()
    }
}

#[tokio::test]
async fn malformed_answer_is_reasked_once_with_the_error() {
    for kind in [
        ProviderKind::Gemini,
        ProviderKind::OpenAi,
        ProviderKind::Ollama,
    ] {
        let mock = MockProvider::start(faulty(vec![Fault::Malformed])).await;
        let analyzer = fixtures::analyzer(&mock, kind, Duration::from_secs(10));
        let (results, stats) = run(analyzer, 2).await;
        assert_eq!(
            (stats.done, stats.failed, stats.requests),
            (2, 0, 4),
            "{kind:?}"
        );
        let r = &results[0];
        assert_eq!(r.analysis.provenance.attempts, 2);
        assert!(r.analysis.insight.is_some());
        let second = r.log[1].request.to_string();
        assert!(
            second.contains("Your answer was rejected: the answer is not valid JSON"),
            "{kind:?}"
        );
        assert!(
            second.contains("{\\\"agent_rating\\\": 7, \\\"objections\\\": ["),
            "the bad answer is shown back"
        );
    }
}

#[tokio::test]
async fn answer_invalid_twice_fails_with_raw_answer_kept() {
    let mock = MockProvider::start(faulty(vec![Fault::Malformed, Fault::Malformed])).await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::OpenAi, Duration::from_secs(10));
    let (results, stats) = run(analyzer, 1).await;
    assert_eq!((stats.done, stats.failed, stats.requests), (0, 1, 2));
    let r = &results[0];
    assert!(r.analysis.insight.is_none());
    let error = r.analysis.provenance.error.as_deref().expect("error");
    assert!(error.starts_with("invalid answer after re-ask:"), "{error}");
    assert_eq!(
        r.raw_answer.as_deref(),
        Some("{\"agent_rating\": 7, \"objections\": [")
    );
    assert_eq!(r.log.len(), 2);
}

#[tokio::test]
async fn call_over_context_budget_is_flagged_and_never_sent() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let mut opts = ProviderOptions::new(ProviderKind::Ollama);
    opts.base_url = Some(mock.base_url(fixtures::dialect(ProviderKind::Ollama)));
    let config = LlmConfig {
        context_budget_tokens: Some(1_500),
        ..LlmConfig::default()
    };
    let analyzer = LlmAnalyzer::new(
        &opts,
        &fixtures::playbook(),
        &config,
        None,
        fixtures::ground,
    )
    .expect("analyzer");
    let (results, stats) = run(Arc::new(analyzer), 3).await;
    assert_eq!((stats.failed, stats.requests), (3, 0));
    assert!(mock.log().is_empty(), "nothing sent");
    let error = results[0]
        .analysis
        .provenance
        .error
        .as_deref()
        .expect("flagged");
    assert_eq!(
        error,
        "over the context budget: prompt and expected answer exceed [llm] context_budget_tokens = 1500; not sent"
    );
    assert_eq!(
        results[0].analysis.provenance.tokens_in, None,
        "unknown, not zero"
    );
}
