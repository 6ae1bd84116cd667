//! What the HTTP client refuses on the user's behalf: redirects to another
//! scheme, host or port (they would receive the key and the transcript),
//! oversized answers, malformed keys; and the warning for a key sent over
//! plain `http://`. Each through the binary against the mock provider.

use crate::support::cli::{KEY, demo_calls, insights, llm_command, runtime};
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

const PROVIDERS: [(&str, Dialect); 2] = [("gemini", Dialect::Gemini), ("openai", Dialect::OpenAi)];

fn keyed() -> MockConfig {
    MockConfig {
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    }
}

#[test]
fn a_redirect_to_another_host_is_refused_and_named() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 4, 41);
    for (provider, dialect) in PROVIDERS {
        let elsewhere = rt.block_on(MockProvider::start(keyed()));
        let target = format!("http://{}", elsewhere.addr);
        let redirecting = rt.block_on(MockProvider::start(MockConfig {
            redirect_to: Some(target.clone()),
            ..keyed()
        }));
        let out = dir.path().join(provider);
        let run = llm_command(&input, provider, &redirecting.base_url(dialect), &out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(
            elsewhere.log().is_empty(),
            "{provider}: the other host received {} requests",
            elsewhere.log().len()
        );
        assert!(!redirecting.log().is_empty(), "{provider}: asked once");
        assert_eq!(run.status.code(), Some(3), "{provider}: {err}");
        assert!(
            err.contains("refused to follow a redirect") && err.contains(&target),
            "{provider}: {err}"
        );
        assert!(!err.contains(KEY), "{provider}: {err}");
    }
}

#[test]
fn a_redirect_on_the_same_host_is_followed() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 3, 42);
    let mock = rt.block_on(MockProvider::start(keyed()));
    for (provider, base) in [
        ("gemini", format!("http://{}/moved", mock.addr)),
        ("openai", format!("http://{}/moved/v1", mock.addr)),
    ] {
        let out = dir.path().join(provider);
        let run = llm_command(&input, provider, &base, &out).output().unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{provider}: {err}");
        assert!(crate::support::cli::failed_ids(&insights(&out)).is_empty());
    }
    let answers = mock.answers_per_call();
    assert_eq!(answers.len(), 3, "{answers:?}");
    assert!(answers.values().all(|&n| n == 2), "{answers:?}");
}

#[test]
fn a_key_sent_over_plain_http_is_warned_about() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 2, 43);
    let mock = rt.block_on(MockProvider::start(keyed()));
    for (provider, dialect, warned) in [
        ("gemini", Dialect::Gemini, true),
        ("openai", Dialect::OpenAi, true),
        ("ollama", Dialect::Ollama, false),
    ] {
        let out = dir.path().join(provider);
        let run = llm_command(&input, provider, &mock.base_url(dialect), &out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{provider}: {err}");
        assert_eq!(
            err.contains("is plain http://: the") && err.contains("sent unencrypted"),
            warned,
            "{provider}: {err}"
        );
    }
}

#[test]
fn an_oversized_answer_is_refused_without_storing_it() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 3, 44);
    let mock = rt.block_on(MockProvider::start(MockConfig {
        answer_padding: 5 * 1024 * 1024,
        keep_bodies: false,
        ..keyed()
    }));
    let out = dir.path().join("out");
    let run = llm_command(&input, "openai", &mock.base_url(Dialect::OpenAi), &out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_ne!(run.status.code(), Some(101), "{err}");
    let lines = insights(&out);
    assert_eq!(crate::support::cli::failed_ids(&lines).len(), 3);
    for line in &lines {
        let reason = line["analysis"]["provenance"]["error"].as_str().unwrap();
        assert!(reason.contains("answer larger than"), "{reason}");
    }
    let asked = mock.log().iter().filter(|l| l.call_id.is_some()).count();
    assert_eq!(asked, 3, "a refused answer is not asked again");
    let db = std::fs::metadata(out.join("callscope.db")).unwrap().len();
    assert!(db < 1024 * 1024, "database is {db} bytes");
}

#[test]
fn a_malformed_key_is_reported_as_such_before_any_request() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 2, 45);
    let mock = rt.block_on(MockProvider::start(keyed()));
    let out = dir.path().join("out");
    let run = llm_command(&input, "gemini", &mock.base_url(Dialect::Gemini), &out)
        .env("GEMINI_API_KEY", "sk-secret part\ttwo")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("GEMINI_API_KEY is malformed: it contains a space at character 10"),
        "{err}"
    );
    assert!(
        !err.contains("secret") && !err.contains("cannot reach"),
        "{err}"
    );
    assert!(mock.log().is_empty(), "nothing was sent");
}
