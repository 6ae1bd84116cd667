//! `callscope analyze`: input -> metrics -> analyzer -> store -> report.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::config::Config;
use crate::input::InputSpec;
use crate::output;
use crate::pipeline::{self, AnalysisContext, RunCounts};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export to analyse: .csv, .tsv, .txt, .xlsx, .jsonl.
    input: PathBuf,
    /// Per-call metadata table joined to an utterance table by call id.
    #[arg(long)]
    calls: Option<PathBuf>,
    /// Built-in input profile: generic, vici-lgs-omc (overrides the config).
    #[arg(long)]
    profile: Option<String>,
    /// Configuration file (default: ./callscope.toml when it exists).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Output folder for the database, report and exports.
    #[arg(long, default_value = "callscope-out")]
    out: PathBuf,
    /// Analyse at most this many calls.
    #[arg(long)]
    limit: Option<u64>,
    /// Print only errors.
    #[arg(long, short)]
    quiet: bool,
}

/// `run.json`: what the run did.
#[derive(Serialize)]
struct RunReport<'a> {
    #[serde(flatten)]
    counts: &'a RunCounts,
    wall_s: f64,
    analyzer: &'a str,
    input: String,
    requests: u64,
    retries: u64,
    http_429: u64,
    tokens_in: u64,
    tokens_out: u64,
    cost_usd: f64,
}

/// Warnings printed one by one before the rest are only counted.
const SHOWN_WARNINGS: u64 = 20;

pub fn run(args: Args) -> Result<i32> {
    let started = Instant::now();
    let config = load_config(args.config.as_deref(), args.profile.as_deref())?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create output folder {}", args.out.display()))?;
    let store = Store::open(&super::db_path(&args.out))?;
    let ctx = Arc::new(AnalysisContext::heuristic(&config));
    let input_name = args.input.display().to_string();
    let run = store.begin_run(&ctx.analyzer_key, &input_name, &config)?;
    let spec = InputSpec {
        path: args.input.clone(),
        calls_meta: args.calls.clone(),
    };
    let mut shown = 0u64;
    let quiet = args.quiet;
    let mut on_warning = |w: &crate::input::RowWarning| {
        shown += 1;
        if !quiet && shown <= SHOWN_WARNINGS {
            eprintln!("warning: {w}");
        }
    };
    let counts = pipeline::run_offline(
        &spec,
        &config,
        Arc::clone(&ctx),
        &store,
        run,
        args.limit,
        &mut on_warning,
    )?;
    let report = RunReport {
        counts: &counts,
        wall_s: started.elapsed().as_secs_f64(),
        analyzer: &ctx.analyzer_key,
        input: input_name,
        requests: 0,
        retries: 0,
        http_429: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost_usd: 0.0,
    };
    store.finish_run(run, &report)?;
    let run_info = store.latest_run()?;
    let written = output::write_outputs(&store, &run_info, &args.out)?;
    write_run_json(&args.out, &report)?;
    if !quiet {
        print_summary(&counts, &report, &written, &args.out);
    }
    Ok(super::exit::OK)
}

/// `--config`, else `./callscope.toml` when present, else the defaults; then
/// `--profile` on top.
fn load_config(path: Option<&Path>, profile: Option<&str>) -> Result<Config> {
    let default_path = Path::new("callscope.toml");
    let mut config = match path {
        Some(p) => Config::load(p)?,
        None if default_path.is_file() => Config::load(default_path)?,
        None => Config::default(),
    };
    if let Some(profile) = profile {
        config.input.profile = profile.parse().map_err(anyhow::Error::msg)?;
    }
    Ok(config)
}

fn write_run_json(out: &Path, report: &RunReport<'_>) -> Result<()> {
    let path = out.join("run.json");
    let json = serde_json::to_string_pretty(report)?;
    std::fs::write(&path, json + "\n").with_context(|| format!("cannot write {}", path.display()))
}

fn print_summary(
    counts: &RunCounts,
    report: &RunReport<'_>,
    written: &output::Written,
    out: &Path,
) {
    let skipped = if counts.rows_skipped > 0 {
        format!(", {} rows skipped", counts.rows_skipped)
    } else {
        String::new()
    };
    println!(
        "{} calls: {} analysed, {} cached (unchanged since the last run), {} failed{skipped}; {:.1}s",
        counts.calls_total,
        counts.calls_analyzed,
        counts.calls_cached,
        counts.calls_failed,
        report.wall_s
    );
    if counts.warnings > SHOWN_WARNINGS {
        println!(
            "{} warnings in all ({} shown); every one is in {}",
            counts.warnings,
            SHOWN_WARNINGS,
            super::db_path(out).display()
        );
    }
    for file in &written.files {
        println!("wrote {}", file.display());
    }
}
