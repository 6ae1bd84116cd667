//! `callscope analyze`: input -> metrics -> analyzer -> store -> report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::analyze::grounding;
use crate::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use crate::config::Config;
use crate::engine::pipeline::{self, AnalysisContext, Executor, RunCounts, RunPlan};
use crate::engine::{EngineOptions, Estimate, RunStats, StopReason};
use crate::input::{InputSpec, RowWarning};
use crate::report::publish;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export to analyse: .csv, .tsv, .txt, .xlsx, .jsonl.
    input: PathBuf,
    /// Per-call metadata table joined to an utterance table by call id.
    #[arg(long)]
    calls: Option<PathBuf>,
    /// Built-in input profile: generic, vici-lgs-omc, custom (overrides the config).
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
    #[command(flatten)]
    llm: LlmArgs,
}

/// The LLM flags; without `--provider` the offline heuristic analyzer runs.
#[derive(Debug, clap::Args)]
struct LlmArgs {
    /// Judge every call with an LLM (keys from GEMINI_API_KEY / OPENAI_API_KEY).
    #[arg(long, value_enum)]
    provider: Option<ProviderKind>,
    /// Model (default: gemini-2.5-flash, gpt-4o-mini, llama3.1).
    #[arg(long, requires = "provider")]
    model: Option<String>,
    /// Provider address: gemini scheme+host, openai API root with /v1, ollama host.
    #[arg(long, requires = "provider")]
    base_url: Option<String>,
    /// Most requests in flight; below it concurrency follows rate × latency.
    #[arg(long, default_value_t = crate::engine::DEFAULT_MAX_CONCURRENCY, requires = "provider")]
    max_concurrency: usize,
    /// Requests per minute allowed by your plan.
    #[arg(long, requires = "provider")]
    rpm: Option<u32>,
    /// Tokens per minute allowed by your plan.
    #[arg(long, requires = "provider")]
    tpm: Option<u64>,
    /// Stop starting calls before the estimated spend would cross this.
    #[arg(long, requires = "provider")]
    budget_usd: Option<f64>,
    /// Print calls, estimated tokens and cost; send nothing.
    #[arg(long, requires = "provider")]
    dry_run: bool,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 120.0, requires = "provider")]
    timeout_s: f64,
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
    /// Absent when the model's price is unknown.
    cost_usd: Option<f64>,
    stopped: Option<&'a StopReason>,
}

/// Warnings printed one by one before the rest are only counted.
const SHOWN_WARNINGS: u64 = 20;

pub fn run(args: Args) -> Result<i32> {
    let started = Instant::now();
    let config = load_config(args.config.as_deref(), args.profile.as_deref())?;
    let ctx = Arc::new(AnalysisContext::new(&config));
    let spec = InputSpec {
        path: args.input.clone(),
        calls_meta: args.calls.clone(),
    };
    let llm = args
        .llm
        .provider
        .map(|kind| llm_analyzer(kind, &args.llm, &config, &ctx))
        .transpose()?;
    if args.llm.dry_run
        && let Some(analyzer) = &llm
    {
        let db = super::db_path(&args.out);
        let store = db.is_file().then(|| Store::open(&db)).transpose()?;
        let est = pipeline::dry_run(&spec, &config, &ctx, store.as_ref(), analyzer, args.limit)?;
        print_estimate(&est, analyzer);
        return Ok(super::exit::OK);
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create output folder {}", args.out.display()))?;
    check_writable(&args.out)?;
    let store = Store::open(&super::db_path(&args.out))?;
    let analyzer_key = match &llm {
        Some(a) => a.analyzer_key().to_string(),
        None => ctx.heuristic_key.clone(),
    };
    let input_name = args.input.display().to_string();
    let run = store.begin_run(&analyzer_key, &input_name, &config)?;
    let narrator = llm.clone();
    let executor = match llm {
        Some(analyzer) => Executor::Llm {
            analyzer,
            opts: engine_options(&args.llm, args.quiet),
        },
        None => Executor::Heuristic,
    };
    let mut shown = 0u64;
    let quiet = args.quiet;
    let mut on_warning = |w: &RowWarning| {
        shown += 1;
        if !quiet && shown <= SHOWN_WARNINGS {
            eprintln!("warning: {w}");
        }
    };
    let plan = RunPlan {
        spec: &spec,
        config: &config,
        ctx: Arc::clone(&ctx),
        store: &store,
        run,
        analyzer_key: analyzer_key.clone(),
        limit: args.limit,
    };
    let outcome = pipeline::run(plan, executor, &mut on_warning)?;
    let engine = outcome.engine.unwrap_or_else(|| RunStats {
        cost_usd: Some(0.0),
        ..RunStats::default()
    });
    let report = RunReport {
        counts: &outcome.counts,
        wall_s: started.elapsed().as_secs_f64(),
        analyzer: &analyzer_key,
        input: input_name,
        requests: engine.requests,
        retries: engine.retries,
        http_429: engine.http_429,
        tokens_in: engine.tokens_in,
        tokens_out: engine.tokens_out,
        cost_usd: engine.cost_usd,
        stopped: engine.stopped.as_ref(),
    };
    store.finish_run(run, &report)?;
    let run_info = store.latest_run()?;
    // After an early stop the provider is unusable or unaffordable: the
    // narrative stays rule-based.
    let narrator = narrator.filter(|_| engine.stopped.is_none());
    let written = publish::write_outputs(&store, &run_info, &args.out, narrator.as_deref())?;
    write_run_json(&args.out, &report)?;
    if !quiet {
        print_summary(&report, &written, &args.out);
    }
    if let Some(reason) = &engine.stopped {
        eprintln!(
            "stopped early: {reason}. Everything finished so far is saved; run the same command again to resume."
        );
        return Ok(super::exit::STOPPED);
    }
    Ok(super::exit::OK)
}

fn llm_analyzer(
    kind: ProviderKind,
    args: &LlmArgs,
    config: &Config,
    ctx: &AnalysisContext,
) -> Result<Arc<LlmAnalyzer>> {
    let opts = ProviderOptions {
        model: args.model.clone(),
        base_url: args.base_url.clone(),
        timeout: Duration::from_secs_f64(args.timeout_s.max(0.1)),
        ..ProviderOptions::new(kind)
    };
    let analyzer = LlmAnalyzer::from_env(&opts, &ctx.playbook, &config.llm, grounding::ground)
        .with_context(|| format!("cannot use provider {}", kind.as_str()))?;
    Ok(Arc::new(analyzer))
}

fn engine_options(args: &LlmArgs, quiet: bool) -> EngineOptions {
    EngineOptions {
        max_concurrency: args.max_concurrency.max(1),
        rpm: args.rpm,
        tpm: args.tpm,
        budget_usd: args.budget_usd,
        progress: !quiet && std::io::stderr().is_terminal(),
        ..EngineOptions::default()
    }
}

/// Fails early, naming the folder, when nothing can be written in it
/// (read-only mount, full disk, permissions).
fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".callscope-write-check");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .with_context(|| format!("cannot write in the output folder {}", dir.display()))
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

fn print_estimate(est: &Estimate, analyzer: &LlmAnalyzer) {
    let cost = est
        .cost_usd
        .map_or("unknown (no price for this model)".to_string(), |c| {
            format!("${c:.4}")
        });
    println!(
        "dry run with {}: {} calls to analyse ({} over the context budget), ~{} tokens in, ~{} tokens out, estimated cost {cost}. Nothing was sent.",
        analyzer.analyzer_key(),
        est.calls,
        est.over_context,
        est.tokens_in,
        est.tokens_out
    );
}

fn print_summary(report: &RunReport<'_>, written: &publish::Written, out: &Path) {
    let c = report.counts;
    let mut extra = String::new();
    if c.calls_pending > 0 {
        extra += &format!(", {} not analysed (run stopped)", c.calls_pending);
    }
    if c.rows_skipped > 0 {
        extra += &format!(", {} rows skipped", c.rows_skipped);
    }
    println!(
        "{} calls: {} analysed, {} cached (unchanged since the last run), {} failed{extra}; {:.1}s",
        c.calls_total, c.calls_analyzed, c.calls_cached, c.calls_failed, report.wall_s
    );
    if report.requests > 0 {
        let cost = report
            .cost_usd
            .map_or("unknown".into(), |c| format!("${c:.4}"));
        println!(
            "{} requests ({} retries, {} answered 429), {} tokens in, {} out, cost {cost}",
            report.requests, report.retries, report.http_429, report.tokens_in, report.tokens_out
        );
    }
    if c.warnings > SHOWN_WARNINGS {
        println!(
            "{} warnings in all ({} shown); every one is in {}",
            c.warnings,
            SHOWN_WARNINGS,
            super::db_path(out).display()
        );
    }
    for file in &written.files {
        println!("wrote {}", file.display());
    }
}
