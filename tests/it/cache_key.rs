//! The cache key through the binary: each setting that is sent to the
//! analyzer or changes its result re-does the calls on the next run; each
//! setting that changes neither re-does nothing.

use std::path::{Path, PathBuf};

use crate::support::cli::{callscope, demo_calls, llm_command, offline, run_json, runtime, stderr};
use crate::support::llm_cli::keyed_mock;
use crate::support::mock_provider::Dialect;

const CALLS: u64 = 8;

/// The configuration `callscope init` writes, with `edit` applied.
fn config(dir: &Path, name: &str, edit: (&str, &str)) -> PathBuf {
    let path = dir.join(name);
    let init = callscope()
        .args(["init", "--force", "--out"])
        .arg(&path)
        .output()
        .expect("run init");
    assert!(init.status.success(), "{}", stderr(&init));
    let text = std::fs::read_to_string(&path).expect("config");
    assert!(text.contains(edit.0), "the template has {:?}", edit.0);
    std::fs::write(&path, text.replacen(edit.0, edit.1, 1)).expect("write config");
    path
}

/// Settings changes, in order, and whether each must re-do every call.
fn changes(dir: &Path) -> Vec<(&'static str, PathBuf, Vec<&'static str>, bool)> {
    let same = ("[analysis]", "[analysis]");
    vec![
        ("nothing", config(dir, "same.toml", same), vec![], false),
        (
            "stats group size",
            config(
                dir,
                "group.toml",
                ("min_group_size = 10", "min_group_size = 3"),
            ),
            vec![],
            false,
        ),
        (
            "short-call threshold",
            config(
                dir,
                "threshold.toml",
                (
                    "short_call_threshold_s = 300",
                    "short_call_threshold_s = 120",
                ),
            ),
            vec![],
            true,
        ),
        (
            "an objection phrase",
            config(
                dir,
                "phrase.toml",
                ("\"too expensive\",", "\"too expensive\", \"too dear\","),
            ),
            vec![],
            true,
        ),
        (
            "the company context in the prompt",
            config(
                dir,
                "context.toml",
                ("A company selling a service", "A firm selling a service"),
            ),
            vec![],
            true,
        ),
    ]
}

#[test]
fn heuristic_reruns_only_for_settings_that_change_results() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = demo_calls(dir.path(), CALLS as u32, 7);
    let out = dir.path().join("out");
    let base = config(dir.path(), "base.toml", ("[analysis]", "[analysis]"));
    let first = offline(&input, &out, &["--config", base.to_str().expect("utf-8")]);
    assert!(first.status.success(), "{}", stderr(&first));
    for (what, config, _, redo) in changes(dir.path()) {
        // Each change is measured against the base settings.
        let again = offline(&input, &out, &["--config", base.to_str().expect("utf-8")]);
        assert!(again.status.success(), "{}", stderr(&again));
        let run = offline(&input, &out, &["--config", config.to_str().expect("utf-8")]);
        assert!(run.status.success(), "{what}: {}", stderr(&run));
        let (analysed, cached) = match redo {
            true => (CALLS, 0),
            false => (0, CALLS),
        };
        let json = run_json(&out);
        assert_eq!(json["calls_analyzed"], analysed, "{what}: {json}");
        assert_eq!(json["calls_cached"], cached, "{what}: {json}");
    }
}

#[test]
fn llm_reruns_only_for_settings_that_are_sent_or_change_results() {
    let rt = runtime();
    let mock = keyed_mock(&rt);
    let base_url = mock.base_url(Dialect::OpenAi);
    let dir = tempfile::tempdir().expect("tempdir");
    let input = demo_calls(dir.path(), CALLS as u32, 7);
    let out = dir.path().join("out");
    let base = config(dir.path(), "base.toml", ("[analysis]", "[analysis]"));
    let analyze = |config: &Path, extra: &[&str]| {
        let output = llm_command(&input, "openai", &base_url, &out)
            .arg("--config")
            .arg(config)
            .args(extra)
            .output()
            .expect("run analyze");
        assert!(output.status.success(), "{}", stderr(&output));
        run_json(&out)
    };
    analyze(&base, &[]);
    let mut cases = changes(dir.path());
    cases.push((
        "engine flags",
        base.clone(),
        vec![
            "--max-concurrency",
            "2",
            "--rpm",
            "6000",
            "--timeout-s",
            "30",
        ],
        false,
    ));
    cases.push((
        "the model",
        base.clone(),
        vec!["--model", "gpt-other"],
        true,
    ));
    let call_requests = || mock.log().iter().filter(|l| l.call_id.is_some()).count();
    for (what, config, extra, redo) in cases {
        analyze(&base, &[]);
        let before = call_requests();
        let json = analyze(&config, &extra);
        let (analysed, cached) = match redo {
            true => (CALLS, 0),
            false => (0, CALLS),
        };
        assert_eq!(json["calls_analyzed"], analysed, "{what}: {json}");
        assert_eq!(json["calls_cached"], cached, "{what}: {json}");
        assert_eq!(
            (call_requests() - before) as u64,
            analysed,
            "{what}: a request for each re-done call and no other"
        );
    }
}
