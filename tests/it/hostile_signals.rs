//! Stop signals in an offline run, through the binary (#12.12): SIGINT,
//! SIGTERM and SIGHUP each stop the run cleanly — what finished is stored,
//! the report and `run.json` are written, the resume message is printed and
//! the exit code is 3. The input is a FIFO fed by the test, so the run is
//! certainly still reading when the signal arrives (and, progress being on,
//! the run must not consume the FIFO to count its calls first).

#![allow(unsafe_code)] // kill(2) sends the signal

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::cli;

/// `rows` calls of the shape every test here feeds, from `first`.
fn rows(first: usize, rows: usize) -> String {
    (first..first + rows)
        .map(|i| {
            format!(
                "c{i},ann,{},\"Agent: hello, I am calling about your account number {i}.\nCustomer: no thanks, I am busy right now, call back another day.\"\n",
                30 + i % 400
            )
        })
        .collect()
}

fn stopped_cleanly_by(signal: libc::c_int) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("calls.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = dir.path().join("out");
    let mut child = cli::callscope()
        .arg("analyze")
        .arg(&fifo)
        .arg("--out")
        .arg(&out)
        // progress on: a FIFO can be read once, so its total stays unknown
        // rather than the whole input being consumed by the count
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut feed = std::fs::OpenOptions::new()
        .write(true)
        .open(&fifo)
        .expect("open the fifo");
    let first = format!("call_id,agent,duration,transcript\n{}", rows(0, 600));
    feed.write_all(first.as_bytes()).expect("feed");
    feed.flush().expect("flush");
    let db = out.join("callscope.db");
    let deadline = Instant::now() + Duration::from_secs(120);
    while cli::count_ok(&db).unwrap_or(0) == 0 {
        assert!(child.try_wait().expect("wait").is_none(), "ended early");
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    // SAFETY: signalling our own child process, still running (not reaped).
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    std::thread::sleep(Duration::from_millis(300)); // let the signal land first
    let _ = feed.write_all(rows(600, 200).as_bytes()); // the run may have stopped reading
    drop(feed);
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "signal {signal}: {stderr}");
    assert!(
        stderr.contains("stopped early: interrupted")
            && stderr.contains("run the same command again to resume"),
        "{stderr}"
    );
    let run = cli::run_json(&out);
    assert_eq!(run["stopped"]["reason"], "interrupted", "{run}");
    let analysed = run["calls_analyzed"].as_u64().expect("analysed");
    assert!(analysed > 0, "{run}");
    assert_eq!(cli::count_ok(&db), Some(analysed as usize), "all stored");
    assert!(out.join("report.md").is_file(), "the report is written");
}

#[test]
fn sigint_stops_an_offline_run_cleanly_with_exit_3() {
    stopped_cleanly_by(libc::SIGINT);
}

#[test]
fn sigterm_and_sighup_stop_an_offline_run_like_sigint() {
    stopped_cleanly_by(libc::SIGTERM);
    stopped_cleanly_by(libc::SIGHUP);
}
