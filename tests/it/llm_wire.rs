//! What each provider receives and how its answers are accounted, through
//! the binary against the mock: evidence-first property order, output caps,
//! Gemini thinking budget and thinking tokens billed, no `temperature` for
//! reasoning models, Ollama's every-field-required schema shown in the
//! prompt, and a blocked answer failing after one retry with its reason.

use serde_json::Value;

use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

use crate::support::cli::{KEY, runtime};
use crate::support::llm_cli::{analyze, call_requests, keyed_mock};

/// A JSON array of strings.
fn strings(array: &Value) -> Vec<String> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn keys(object: &Value) -> Vec<String> {
    object.as_object().unwrap().keys().cloned().collect()
}

fn before(order: &[String], first: &str, second: &str) -> bool {
    let at = |name: &str| order.iter().position(|k| k == name).unwrap();
    at(first) < at(second)
}

#[test]
fn gemini_orders_evidence_first_caps_output_and_bills_thinking() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        thoughts_tokens: 300,
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().unwrap();
    let config = "[llm]\nthinking_budget = 256\nmax_output_tokens = 4096\n";
    let run = analyze(
        &mock,
        Dialect::Gemini,
        dir.path(),
        config,
        &["--limit", "3"],
    );
    let requests = call_requests(&mock);
    assert_eq!(requests.len(), 3);
    let g = &requests[0].body["generationConfig"];
    assert_eq!(g["maxOutputTokens"], 4096);
    assert_eq!(g["thinkingConfig"]["thinkingBudget"], 256);
    let schema = &g["responseSchema"];
    let order = strings(&schema["propertyOrdering"]);
    assert_eq!(
        order,
        keys(&schema["properties"]),
        "ordering names every property"
    );
    for verdict in ["agent_rating", "engagement", "early_termination"] {
        assert!(before(&order, "notable_quotes", verdict), "{verdict}");
        assert!(before(&order, "objections", verdict), "{verdict}");
    }
    let objection = &schema["properties"]["objections"]["items"];
    let inner = strings(&objection["propertyOrdering"]);
    assert!(before(&inner, "customer_quote", "rebuttal_quality"));
    // Output is billed as answer plus thinking, for calls and narrative alike.
    let billed: u64 = mock.log().iter().map(|l| l.billed_out).sum();
    assert!(billed >= 3 * 300);
    let engine_calls: u64 = requests.iter().map(|l| l.billed_out).sum();
    let counted = run["tokens_out"].as_u64().unwrap();
    assert!(
        (engine_calls..=billed).contains(&counted),
        "run.json counts thinking tokens: {counted} not in {engine_calls}..={billed}"
    );
}

#[test]
fn reasoning_models_get_no_temperature_and_every_request_a_cap() {
    let rt = runtime();
    for (model, has_temperature) in [
        ("gpt-5-mini", false),
        ("o4-mini", false),
        ("gpt-4o-mini", true),
    ] {
        let mock = keyed_mock(&rt);
        let dir = tempfile::tempdir().unwrap();
        analyze(
            &mock,
            Dialect::OpenAi,
            dir.path(),
            "",
            &["--limit", "2", "--model", model],
        );
        for req in mock.log() {
            assert_eq!(req.body["model"], model);
            assert_eq!(
                req.body.get("temperature").is_some(),
                has_temperature,
                "{model}"
            );
            assert_eq!(req.body["max_completion_tokens"], 8192, "{model}");
        }
        let schema = &call_requests(&mock)[0].body["response_format"]["json_schema"]["schema"];
        assert!(before(
            &keys(&schema["properties"]),
            "notable_quotes",
            "agent_rating"
        ));
    }
}

#[test]
fn ollama_requires_every_field_and_shows_the_schema_in_the_prompt() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let dir = tempfile::tempdir().unwrap();
    let config = "[llm]\ncontext_budget_tokens = 32000\n";
    let run = analyze(
        &mock,
        Dialect::Ollama,
        dir.path(),
        config,
        &["--limit", "2"],
    );
    assert_eq!(run["calls_analyzed"], 2, "{run}");
    let body = &call_requests(&mock)[0].body;
    let format = &body["format"];
    let required = strings(&format["required"]);
    assert_eq!(
        required,
        keys(&format["properties"]),
        "every top-level field required"
    );
    assert_eq!(
        format["properties"]["agent_rating"]["type"],
        serde_json::json!(["integer", "null"])
    );
    assert_eq!(body["options"]["num_predict"], 8192);
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("# Answer schema"));
    assert!(system.contains("\"agent_rating\""));
}

fn blocked_call(id: &str) -> bool {
    id == "C000002"
}

#[test]
fn a_blocked_answer_fails_after_one_retry_with_its_reason() {
    let rt = runtime();
    for dialect in [Dialect::Gemini, Dialect::OpenAi] {
        let mock = rt.block_on(MockProvider::start(MockConfig {
            api_key: Some(KEY.into()),
            blocked: Some(blocked_call),
            ..MockConfig::default()
        }));
        let dir = tempfile::tempdir().unwrap();
        let run = analyze(&mock, dialect, dir.path(), "", &["--limit", "4"]);
        assert_eq!(
            (run["calls_analyzed"].as_u64(), run["calls_failed"].as_u64()),
            (Some(3), Some(1)),
            "{run}"
        );
        let sent = call_requests(&mock)
            .iter()
            .filter(|l| l.call_id.as_deref() == Some("C000002"))
            .count();
        assert_eq!(sent, 2, "{dialect:?}: sent once, retried once");
        let jsonl = std::fs::read_to_string(dir.path().join("out/insights.jsonl")).unwrap();
        let line = jsonl.lines().find(|l| l.contains("\"C000002\"")).unwrap();
        let reason = match dialect {
            Dialect::Gemini => "finishReason SAFETY",
            _ => "model refused",
        };
        assert!(
            line.contains("the provider blocked the answer") && line.contains(reason),
            "{line}"
        );
    }
}
