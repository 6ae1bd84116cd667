//! The binary with `--provider` against a mock provider: one helper to run
//! `callscope analyze` on the demo calls with a config file, and the
//! requests that analysed calls (not the report narrative).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use super::mock_provider::{Dialect, Logged, MockProvider};

pub const KEY: &str = "wire-test-key";

pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv")
}

/// `callscope analyze` of the demo calls with `config` as `callscope.toml`.
pub fn analyze(
    mock: &MockProvider,
    dialect: Dialect,
    dir: &Path,
    config: &str,
    extra: &[&str],
) -> Value {
    let provider = match dialect {
        Dialect::Gemini => "gemini",
        Dialect::OpenAi => "openai",
        Dialect::Ollama => "ollama",
    };
    let config_path = dir.join("callscope.toml");
    std::fs::write(&config_path, config).unwrap();
    let out = dir.join("out");
    let output = Command::cargo_bin("callscope")
        .unwrap()
        .env("GEMINI_API_KEY", KEY)
        .env("OPENAI_API_KEY", KEY)
        .arg("analyze")
        .arg(example())
        .args([
            "--provider",
            provider,
            "--base-url",
            &mock.base_url(dialect),
        ])
        .arg("--config")
        .arg(&config_path)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Requests that analysed a call (not the report narrative).
pub fn call_requests(mock: &MockProvider) -> Vec<Logged> {
    mock.log()
        .into_iter()
        .filter(|l| l.call_id.is_some())
        .collect()
}
