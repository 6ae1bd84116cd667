//! The binary with `--provider` against a mock provider, with a config
//! file: the command, its `run.json`, and the requests that analysed calls
//! (not the report narrative).

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use super::cli::{KEY, example, llm_command, run_json, stderr};
use super::mock_provider::{Dialect, Logged, MockConfig, MockProvider};

/// A mock provider with the default behaviour that accepts only the test key.
pub fn keyed_mock(rt: &tokio::runtime::Runtime) -> MockProvider {
    rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    }))
}

pub fn provider_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Gemini => "gemini",
        Dialect::OpenAi => "openai",
        Dialect::Ollama => "ollama",
    }
}

/// `callscope analyze` of the demo calls into `dir/out`, with `config` as
/// `dir/callscope.toml`.
pub fn analyze_output(
    mock: &MockProvider,
    dialect: Dialect,
    dir: &Path,
    config: &str,
    extra: &[&str],
) -> Output {
    let config_path = dir.join("callscope.toml");
    std::fs::write(&config_path, config).unwrap();
    let base = mock.base_url(dialect);
    llm_command(&example(), provider_name(dialect), &base, &dir.join("out"))
        .arg("--config")
        .arg(&config_path)
        .args(extra)
        .output()
        .unwrap()
}

/// The same, which must succeed; its `run.json`.
pub fn analyze(
    mock: &MockProvider,
    dialect: Dialect,
    dir: &Path,
    config: &str,
    extra: &[&str],
) -> Value {
    let output = analyze_output(mock, dialect, dir, config, extra);
    assert!(output.status.success(), "{}", stderr(&output));
    run_json(&dir.join("out"))
}

/// Requests that analysed a call (not the report narrative).
pub fn call_requests(mock: &MockProvider) -> Vec<Logged> {
    mock.log()
        .into_iter()
        .filter(|l| l.call_id.is_some())
        .collect()
}
