//! The API key never leaks: runs at `-vv` against a mock that fails in every
//! way (5xx, malformed answers, 401 and 403 quoting the key it received)
//! and a grep of everything they leave: stdout, stderr, every file in the
//! output folder (database, WAL, run.json, reports, exports), `inspect` and
//! `report` output, and the analyzer's `Debug` form.

use std::path::Path;
use std::process::Output;

use crate::support::cli::{KEY, demo_calls, llm_command, run_json, runtime};
use crate::support::mock_provider::{Dialect, Fault, MockConfig, MockProvider};

fn assert_clean(what: &str, bytes: &[u8]) {
    assert!(
        !String::from_utf8_lossy(bytes).contains(KEY),
        "API key found in {what}"
    );
}

fn assert_output_clean(what: &str, out: &Output) {
    assert_clean(&format!("{what} stdout"), &out.stdout);
    assert_clean(&format!("{what} stderr"), &out.stderr);
}

/// Every file under `dir`, recursively.
fn assert_folder_clean(dir: &Path) -> usize {
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files += assert_folder_clean(&path);
        } else {
            assert_clean(&path.display().to_string(), &std::fs::read(&path).unwrap());
            files += 1;
        }
    }
    files
}

/// A provider, a mock failing in its own way, and the exit code: a refused
/// key stops the run (3) instead of failing every call.
type Scenario = (&'static str, &'static str, Dialect, MockConfig, i32);

fn scenarios() -> Vec<Scenario> {
    vec![
        (
            "5xx and malformed answers quoting the key",
            "gemini",
            Dialect::Gemini,
            MockConfig {
                api_key: Some(KEY.into()),
                server_error_rate: 0.3,
                malformed_rate: 0.4,
                echo_auth: true,
                ..MockConfig::default()
            },
            0,
        ),
        (
            "401 quoting the wrong key",
            "openai",
            Dialect::OpenAi,
            MockConfig {
                api_key: Some("sk-the-right-one".into()),
                ..MockConfig::default()
            },
            3,
        ),
        (
            "Gemini's invalid key answer quoting it",
            "gemini",
            Dialect::Gemini,
            MockConfig {
                api_key: Some("the-right-one".into()),
                ..MockConfig::default()
            },
            3,
        ),
        (
            "403 quoting the key",
            "openai",
            Dialect::OpenAi,
            MockConfig {
                api_key: Some(KEY.into()),
                per_call_faults: vec![Fault::Forbidden],
                ..MockConfig::default()
            },
            3,
        ),
    ]
}

#[test]
fn the_key_appears_in_no_output_whatever_fails() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 12, 31);
    for (i, (name, provider, dialect, cfg, code)) in scenarios().into_iter().enumerate() {
        let mock = rt.block_on(MockProvider::start(cfg));
        let out = dir.path().join(format!("out{i}"));
        let run = llm_command(&input, provider, &mock.base_url(dialect), &out)
            .args(["-vv", "--timeout-s", "5"])
            .output()
            .unwrap();
        assert!(
            mock.log().iter().any(|l| l.status != 200),
            "{name}: the mock failed some requests"
        );
        assert_output_clean(name, &run);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(code), "{name}: {err}");
        if code == 3 {
            assert!(err.contains("refused the API key"), "{name}: {err}");
        }
        assert!(out.join("callscope.db").is_file(), "{name}");
        let files = assert_folder_clean(&out);
        assert!(files >= 2, "{name}: {files} files checked");
        let report = crate::support::cli::callscope()
            .args(["-vv", "report", "--db"])
            .arg(out.join("callscope.db"))
            .output()
            .unwrap();
        assert_output_clean(&format!("{name}: report"), &report);
        for id in ["C000001", "C000002"] {
            let inspect = crate::support::cli::callscope()
                .args(["-vv", "inspect", id, "--db"])
                .arg(out.join("callscope.db"))
                .output()
                .unwrap();
            assert_output_clean(&format!("{name}: inspect"), &inspect);
        }
    }
}

#[test]
fn the_analyzer_debug_form_hides_the_key() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let analyzer = crate::support::fixtures::analyzer(
        &mock,
        callscope::analyze::llm::ProviderKind::OpenAi,
        std::time::Duration::from_secs(1),
    );
    let shown = format!("{analyzer:?} {:?}", analyzer.client());
    assert!(!shown.contains(crate::support::fixtures::KEY), "{shown}");
}

#[test]
fn trace_logs_of_every_crate_do_not_contain_the_key() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig {
        api_key: Some(KEY.into()),
        server_error_rate: 0.3,
        ..MockConfig::default()
    }));
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 4, 32);
    let out = dir.path().join("out");
    for (provider, dialect) in [("gemini", Dialect::Gemini), ("openai", Dialect::OpenAi)] {
        let run = llm_command(&input, provider, &mock.base_url(dialect), &out)
            .env("CALLSCOPE_LOG", "trace")
            .output()
            .unwrap();
        assert!(run.status.success(), "{provider}");
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("TRACE"), "{provider}: trace logging is on");
        assert_output_clean(&format!("{provider} at trace level"), &run);
    }
    assert_folder_clean(&out);
}

/// Local OpenAI-compatible servers take any key and users set a dummy one;
/// it occurs in every answer (`"index"`, `"kind"`), which is parsed as
/// received, so every call is analysed.
#[test]
fn a_placeholder_key_does_not_corrupt_the_answers() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 6, 33);
    let cases = [
        ("openai", Dialect::OpenAi, "OPENAI_API_KEY", "x"),
        ("gemini", Dialect::Gemini, "GEMINI_API_KEY", "k"),
    ];
    for (provider, dialect, var, key) in cases {
        let mock = rt.block_on(MockProvider::start(MockConfig {
            api_key: Some(key.into()),
            ..MockConfig::default()
        }));
        let out = dir.path().join(provider);
        let run = llm_command(&input, provider, &mock.base_url(dialect), &out)
            .env(var, key)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{provider}: {err}");
        let counts = run_json(&out);
        assert_eq!(counts["calls_analyzed"], 6, "{provider}: {counts}");
        assert_eq!(counts["calls_failed"], 0, "{provider}: {counts}");
    }
}

/// `" KEY \n"` in the environment: the header carries the trimmed key (the
/// mock refuses anything else) and no output holds it, even from a mock
/// quoting the credentials it received in its errors and bad answers.
#[test]
fn a_key_with_spaces_around_it_is_trimmed_once_and_never_leaks() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let input = demo_calls(dir.path(), 8, 34);
    for (provider, dialect, var) in [
        ("gemini", Dialect::Gemini, "GEMINI_API_KEY"),
        ("openai", Dialect::OpenAi, "OPENAI_API_KEY"),
    ] {
        let mock = rt.block_on(MockProvider::start(MockConfig {
            api_key: Some(KEY.into()),
            server_error_rate: 0.3,
            malformed_rate: 0.3,
            echo_auth: true,
            ..MockConfig::default()
        }));
        let out = dir.path().join(provider);
        let run = llm_command(&input, provider, &mock.base_url(dialect), &out)
            .env(var, format!("  {KEY} \n"))
            .args(["-vv", "--timeout-s", "5"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{provider}: {err}");
        assert!(
            mock.count_status(200) > 0,
            "{provider}: the key was accepted"
        );
        assert!(
            mock.log().iter().any(|l| l.status != 200),
            "{provider}: some errors quoted the key"
        );
        assert_output_clean(provider, &run);
        assert_folder_clean(&out);
        let inspect = crate::support::cli::callscope()
            .args(["inspect", "C000001", "--db"])
            .arg(out.join("callscope.db"))
            .output()
            .unwrap();
        assert_output_clean(&format!("{provider}: inspect"), &inspect);
    }
}
