//! Running the binary (offline or against the mock provider, `inspect`),
//! synthetic inputs, and reading back what a run left in its output folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The key every test run uses; it must never appear in any output.
pub const KEY: &str = "sk-SECRET-callscope-7b1e-do-not-leak";

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// `callscope` with both provider keys set to [`KEY`].
pub fn callscope() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callscope"));
    cmd.env("GEMINI_API_KEY", KEY)
        .env("OPENAI_API_KEY", KEY)
        .env_remove("CALLSCOPE_LOG");
    cmd
}

/// The committed demo export (`examples/demo-calls.csv`).
pub fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv")
}

/// Writes `calls` synthetic calls to `dir/calls.csv` with `demo-data`.
pub fn demo_calls(dir: &Path, calls: u32, seed: u64) -> PathBuf {
    let path = dir.join("calls.csv");
    let out = callscope()
        .args(["demo-data", "--calls", &calls.to_string(), "--seed"])
        .arg(seed.to_string())
        .arg("--out")
        .arg(&path)
        .output()
        .expect("run demo-data");
    assert!(out.status.success(), "{}", stderr(&out));
    path
}

/// `analyze INPUT --provider P --base-url URL --out OUT EXTRA...`.
pub fn llm_command(input: &Path, provider: &str, base_url: &str, out: &Path) -> Command {
    let mut cmd = callscope();
    cmd.arg("analyze")
        .arg(input)
        .args(["--provider", provider, "--base-url", base_url, "--out"])
        .arg(out);
    cmd
}

/// The offline analysis of `input` into `out`.
pub fn offline(input: &Path, out: &Path, extra: &[&str]) -> Output {
    callscope()
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run analyze")
}

/// The offline analysis of `input` into `out`, which must succeed; its
/// `run.json`.
pub fn analyze(input: &Path, out: &Path, extra: &[&str]) -> Value {
    let output = offline(input, out, extra);
    assert!(output.status.success(), "{}", stderr(&output));
    run_json(out)
}

/// `callscope inspect CALL_ID --db DB`.
pub fn inspect(db: &Path, call_id: &str) -> Output {
    callscope()
        .args(["inspect", call_id, "--db"])
        .arg(db)
        .output()
        .expect("run inspect")
}

/// The id of the first call in a run's `insights.jsonl`.
pub fn first_call_id(out: &Path) -> String {
    insights(out)[0]["id"].as_str().expect("id").to_string()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn run_json(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("run.json")).expect("run.json");
    serde_json::from_str(&text).expect("run.json is JSON")
}

pub fn insights(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("insights.jsonl"))
        .expect("insights.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Ids of calls whose analysis failed; each must carry its reason.
pub fn failed_ids(lines: &[Value]) -> BTreeSet<String> {
    lines
        .iter()
        .filter(|l| l["analysis"]["insight"].is_null())
        .map(|l| {
            let id = l["id"].as_str().expect("id").to_string();
            let reason = l["analysis"]["provenance"]["error"].as_str();
            assert!(
                reason.is_some_and(|r| !r.trim().is_empty()),
                "{id} has neither an insight nor a reason: {}",
                l["analysis"]
            );
            id
        })
        .collect()
}

/// `PRAGMA integrity_check` of a database, opened like any other client.
pub fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open database");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// Successful analyses stored for `analyzer`-prefixed keys.
pub fn stored_ok(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).expect("open database");
    let mut stmt = conn
        .prepare("SELECT call_id FROM analyses WHERE ok = 1")
        .expect("query");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|r| r.expect("id"))
        .collect()
}

/// Successful analyses so far, while another process may be creating the
/// database (`None` until its tables exist).
pub fn count_ok(db: &Path) -> Option<usize> {
    if !db.is_file() {
        return None;
    }
    let conn = rusqlite::Connection::open(db).ok()?;
    conn.query_row("SELECT COUNT(*) FROM analyses WHERE ok = 1", [], |r| {
        r.get::<_, i64>(0)
    })
    .ok()
    .and_then(|n| usize::try_from(n).ok())
}
