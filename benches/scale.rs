//! Scale bench: generates N demo calls, runs `callscope analyze` (offline
//! heuristic) on them as a child process, and prints calls per second and the
//! child's peak resident memory, for two sizes so memory growth shows.
//!
//! `cargo bench --bench scale -- 10000 100000` (default sizes: 10000 100000).
//! The 1M figure of the README: `cargo bench --bench scale -- 100000 1000000`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table
#![allow(unsafe_code)] // wait4 for the child's peak memory

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn main() {
    // `cargo test --all-targets` runs benches as tests; measure only under
    // `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("scale bench: run it with `cargo bench --bench scale`");
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let exe = env!("CARGO_BIN_EXE_callscope");
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "{:>10} {:>10} {:>12} {:>12} {:>14}",
        "calls", "input MB", "wall s", "calls/s", "peak RSS MB"
    );
    let mut first: Option<(f64, f64)> = None;
    for n in sizes {
        let input = dir.path().join(format!("calls-{n}.csv"));
        run(
            exe,
            &[
                "demo-data",
                "--calls",
                &n.to_string(),
                "--seed",
                "1",
                "--out",
                path(&input),
            ],
        );
        let out = dir.path().join(format!("out-{n}"));
        let started = Instant::now();
        let rss = run_measured(
            exe,
            &["analyze", path(&input), "--out", path(&out), "--quiet"],
        );
        let wall = started.elapsed().as_secs_f64();
        let mb = std::fs::metadata(&input)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);
        let rate = n as f64 / wall;
        println!("{n:>10} {mb:>10.1} {wall:>12.2} {rate:>12.0} {rss:>14.1}");
        match first {
            None => first = Some((rate, rss)),
            Some((rate0, rss0)) => println!(
                "{:>10} throughput ratio {:.2}x, peak memory ratio {:.2}x vs the first size",
                "",
                rate / rate0,
                rss / rss0
            ),
        }
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_file(&input);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn run(exe: &str, args: &[&str]) {
    let status = Command::new(exe)
        .args(args)
        .status()
        .expect("run callscope");
    assert!(status.success(), "callscope {args:?} failed: {status}");
}

/// Runs a child to completion and returns its own peak RSS in MB (wait4).
/// The child is reaped by `wait4`, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_measured(exe: &str, args: &[&str]) -> f64 {
    let child = Command::new(exe).args(args).spawn().expect("run callscope");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 reaps our own child and writes only into the two out-params.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()) };
    assert!(rc == pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "callscope {args:?} failed"
    );
    // SAFETY: wait4 succeeded, so the struct is initialised.
    let usage = unsafe { usage.assume_init() };
    usage.ru_maxrss as f64 / 1024.0
}
