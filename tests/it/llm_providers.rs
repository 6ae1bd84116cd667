//! Each provider end to end against the mock on loopback: exact request
//! shape, key in the right header, usage parsed, and the key never showing
//! up in results, logs or errors.

use std::time::Duration;

use callscope::analyze::llm::{LlmAnalyzer, LlmError, ProviderKind, ProviderOptions};
use callscope::config::llm::LlmConfig;
use callscope::engine::{self, EngineOptions, JobResult};
use futures::stream;
use serde_json::json;

use crate::support::fixtures::{self, KEY};
use crate::support::mock_provider::{MockConfig, MockProvider};

const KINDS: [ProviderKind; 3] = [
    ProviderKind::Gemini,
    ProviderKind::OpenAi,
    ProviderKind::Ollama,
];

async fn run_all(
    mock: &MockProvider,
    kind: ProviderKind,
    calls: usize,
) -> (Vec<JobResult>, engine::RunStats) {
    let analyzer = fixtures::analyzer(mock, kind, Duration::from_secs(10));
    fixtures::run_engine(analyzer, calls).await
}

fn keyed_mock() -> MockConfig {
    MockConfig {
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    }
}

#[tokio::test]
async fn every_provider_answers_every_call_with_a_valid_insight() {
    for kind in KINDS {
        let mock = MockProvider::start(keyed_mock()).await;
        let (results, stats) = run_all(&mock, kind, 4).await;
        assert_eq!(results.len(), 4, "{kind:?}");
        assert_eq!(
            (stats.done, stats.failed, stats.requests),
            (4, 0, 4),
            "{kind:?}"
        );
        for r in &results {
            let insight = r.analysis.insight.as_ref().expect("insight");
            assert_eq!(insight.objections[0].kind, "no_money", "first playbook id");
            assert_eq!(
                insight.notable_quotes[0].grounded,
                Some(false),
                "grounder ran"
            );
            let p = &r.analysis.provenance;
            assert!(p.analyzer.starts_with(&format!("{}:", kind.as_str())));
            assert_eq!(p.attempts, 1);
            assert!(
                p.tokens_in.is_some_and(|t| t > 100),
                "usage parsed from {kind:?}"
            );
            assert!(
                p.cost_usd.is_some(),
                "price known for default model of {kind:?}"
            );
        }
        let ids: Vec<_> = mock
            .log()
            .iter()
            .filter_map(|l| l.call_id.clone())
            .collect();
        assert_eq!(ids.len(), 4);
        assert!(stats.tokens_in > 0 && stats.cost_usd.is_some());
    }
}

#[tokio::test]
async fn requests_follow_each_wire_format() {
    for kind in KINDS {
        let mock = MockProvider::start(keyed_mock()).await;
        run_all(&mock, kind, 1).await;
        let req = mock.log().pop().expect("one request");
        let b = &req.body;
        match kind {
            ProviderKind::Gemini => {
                assert_eq!(req.path, "/v1beta/models/gemini-2.5-flash:generateContent");
                assert_eq!(req.auth.as_deref(), Some(KEY));
                assert!(
                    b["systemInstruction"]["parts"][0]["text"]
                        .as_str()
                        .is_some_and(|t| t.contains("Save the Children"))
                );
                assert_eq!(b["contents"][0]["role"], "user");
                let g = &b["generationConfig"];
                assert_eq!(g["responseMimeType"], "application/json");
                assert_eq!(g["responseSchema"]["type"], "OBJECT");
                assert!((g["temperature"].as_f64().expect("temperature") - 0.1).abs() < 1e-6);
            }
            ProviderKind::OpenAi => {
                assert_eq!(req.path, "/v1/chat/completions");
                assert_eq!(req.auth, Some(format!("Bearer {KEY}")));
                assert_eq!(b["model"], "gpt-4o-mini");
                assert_eq!(b["messages"][0]["role"], "system");
                assert_eq!(b["response_format"]["type"], "json_schema");
                assert_eq!(b["response_format"]["json_schema"]["strict"], true);
                assert_eq!(
                    b["response_format"]["json_schema"]["schema"]["additionalProperties"],
                    false
                );
            }
            ProviderKind::Ollama => {
                assert_eq!(req.path, "/api/chat");
                assert_eq!(req.auth, None);
                assert_eq!(b["model"], "llama3.1");
                assert_eq!(b["stream"], false);
                assert_eq!(b["format"]["type"], "object");
                assert_eq!(b["options"]["num_ctx"], json!(8192));
            }
        }
        let user = req.body.to_string();
        assert!(user.contains("<<<TRANSCRIPT id=20180904-045349_715_live>>>"));
        assert!(user.contains("<<<END TRANSCRIPT>>>"));
    }
}

#[tokio::test]
async fn api_key_never_appears_in_results_logs_or_errors() {
    for kind in [ProviderKind::Gemini, ProviderKind::OpenAi] {
        // Accepted key: the request log keeps bodies, never headers.
        let mock = MockProvider::start(keyed_mock()).await;
        let (ok, _) = run_all(&mock, kind, 2).await;
        let text = serde_json::to_string(&ok).expect("json");
        assert!(!text.contains(KEY), "{kind:?} success log leaks the key");

        // Rejected key: the server echoes the key back; we must not.
        let mock = MockProvider::start(MockConfig {
            api_key: Some("other".into()),
            ..MockConfig::default()
        })
        .await;
        // A refused key stops the run: no call is blamed, none retried.
        let (failed, stats) = run_all(&mock, kind, 2).await;
        assert!(failed.is_empty(), "{kind:?}: no call failed");
        assert!(stats.requests <= 2, "{kind:?}: 4xx is not retried");
        let error = stats.stopped.as_ref().expect("stopped").to_string();
        assert!(error.contains("HTTP 40"), "{error}");
        assert!(
            error.contains("[redacted]"),
            "{kind:?}: echoed key replaced"
        );
        assert!(!error.contains(KEY), "{kind:?} error leaks the key");
    }
}

#[tokio::test]
async fn connection_errors_name_the_url_not_the_key() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let mut opts = ProviderOptions::new(ProviderKind::OpenAi);
    opts.base_url = Some(format!("http://{addr}/v1"));
    let analyzer = LlmAnalyzer::new(
        &opts,
        &fixtures::playbook(),
        &LlmConfig::default(),
        Some(KEY.into()),
        fixtures::ground,
    )
    .expect("analyzer");
    let mut results = Vec::new();
    let engine_opts = EngineOptions {
        max_retries: 2,
        backoff: engine::Backoff {
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        },
        ..EngineOptions::default()
    };
    let stats = engine::run(
        stream::iter(fixtures::jobs(fixtures::real_calls(1))),
        std::sync::Arc::new(analyzer),
        engine_opts,
        |r| results.push(r),
    )
    .await;
    // A provider never reached stops the run after its tries (resumable).
    assert_eq!((stats.failed, stats.requests, stats.retries), (0, 3, 2));
    assert!(results.is_empty());
    let error = stats.stopped.as_ref().expect("stopped").to_string();
    assert!(
        error.contains(&format!("http://{addr}/v1/chat/completions")),
        "{error}"
    );
    assert!(!error.contains(KEY));
}

#[test]
fn missing_key_is_a_clear_error() {
    let opts = ProviderOptions::new(ProviderKind::Gemini);
    let err = LlmAnalyzer::new(
        &opts,
        &fixtures::playbook(),
        &LlmConfig::default(),
        None,
        fixtures::ground,
    )
    .expect_err("no key");
    assert_eq!(
        err,
        LlmError::MissingKey {
            var: "GEMINI_API_KEY"
        }
    );
    assert_eq!(
        err.to_string(),
        "no API key: set the GEMINI_API_KEY environment variable"
    );
}

#[tokio::test]
async fn narrative_is_requested_with_its_own_schema_from_figures() {
    for kind in KINDS {
        let mock = MockProvider::start(keyed_mock()).await;
        let analyzer = fixtures::analyzer(&mock, kind, Duration::from_secs(5));
        let scheduler = engine::Scheduler::new(analyzer, EngineOptions::default());
        let figures = json!({"calls": 120, "conversion_rate": 0.25});
        let paragraphs = scheduler
            .narrative("Executive summary", &figures)
            .await
            .expect("narrative");
        assert_eq!(paragraphs, vec!["mock answer"], "{kind:?}");
        let body = mock.log().pop().expect("request").body.to_string();
        assert!(
            body.contains("paragraphs") && body.contains("conversion_rate"),
            "{kind:?}"
        );
        assert!(
            !body.contains("objections"),
            "{kind:?}: not the Insight schema"
        );
    }
}
