//! Scale bench: generates N demo calls, runs `callscope analyze` (offline
//! heuristic) on them as a child process, and prints calls per wall-second,
//! calls per CPU-second (the child's user + system time, end to end: ingest,
//! analysis, store, report, exports) and the child's peak resident memory,
//! for two sizes so memory growth shows. The floor is tokenising the same CSV
//! (every record and field, one core) in this process: its calls per
//! CPU-second and the ratio of the run to it show the remaining distance.
//!
//! `cargo bench --bench scale -- 10000 100000` (default sizes: 10000 100000).
//! The 1M figure of the README: `cargo bench --bench scale -- 100000 1000000`.
//! Another build of callscope: `CALLSCOPE_BENCH_EXE=path cargo bench --bench scale`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table
#![allow(unsafe_code)] // wait4 for the child's peak memory

use std::hint::black_box;
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
    // Another build (say, the previous commit's) to compare: CALLSCOPE_BENCH_EXE.
    let exe = std::env::var("CALLSCOPE_BENCH_EXE")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_callscope").to_string());
    let exe = exe.as_str();
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "{:>10} {:>9} {:>8} {:>8} {:>10} {:>12} {:>14} {:>10} {:>12}",
        "calls",
        "input MB",
        "wall s",
        "CPU s",
        "calls/s",
        "calls/CPU-s",
        "tokenise c/s",
        "x floor",
        "peak RSS MB"
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
        let floor = tokenise_rate(&input, n);
        let started = Instant::now();
        let child = run_measured(
            exe,
            &["analyze", path(&input), "--out", path(&out), "--quiet"],
        );
        let wall = started.elapsed().as_secs_f64();
        let mb = std::fs::metadata(&input)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0);
        let rate = n as f64 / wall;
        let cpu_rate = n as f64 / child.cpu_s;
        let (cpu, rss) = (child.cpu_s, child.rss_mb);
        println!(
            "{n:>10} {mb:>9.1} {wall:>8.2} {cpu:>8.2} {rate:>10.0} {cpu_rate:>12.0} {floor:>14.0} {:>9.4}x {rss:>12.1}",
            cpu_rate / floor
        );
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

/// Calls per second of reading every record and field of `input` with the
/// csv crate on one core (the floor an end-to-end run is compared with).
fn tokenise_rate(input: &Path, calls: usize) -> f64 {
    let started = Instant::now();
    let mut reader = csv::Reader::from_path(input).expect("open input");
    let mut record = csv::ByteRecord::new();
    let mut bytes = 0usize;
    while reader.read_byte_record(&mut record).expect("read record") {
        bytes += record.iter().map(<[u8]>::len).sum::<usize>();
    }
    black_box(bytes);
    calls as f64 / started.elapsed().as_secs_f64()
}

/// What the child used: user + system CPU seconds and peak RSS in MB.
struct ChildUsage {
    cpu_s: f64,
    rss_mb: f64,
}

/// Runs a child to completion and returns its own usage (wait4).
/// The child is reaped by `wait4`, which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_measured(exe: &str, args: &[&str]) -> ChildUsage {
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
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    ChildUsage {
        cpu_s: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
    }
}
