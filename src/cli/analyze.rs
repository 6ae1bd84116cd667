//! `callscope analyze`: resolves the settings, runs the analysis (`crate::run`)
//! and prints what it did.

use std::path::Path;

use anyhow::Result;

use crate::engine::batch::BatchStats;
use crate::engine::{Estimate, Pace};
use crate::input::RowWarning;
use crate::run::analyze::{self, Analyzed, RunRecord};
use crate::run::progress::{duration, thousands};
use crate::run::publish::Written;
use crate::run::{AnalyzeArgs, Settings};

/// Warnings printed one by one before the rest are only counted.
const SHOWN_WARNINGS: u64 = 20;

pub fn run(args: AnalyzeArgs) -> Result<i32> {
    let settings = Settings::resolve(args, |var| std::env::var(var))?;
    let llm = settings.llm.as_ref();
    if let Some(warning) = llm.and_then(|l| l.provider.plain_http_warning()) {
        eprintln!("warning: {warning}");
    }
    let quiet = settings.quiet;
    let out = settings.out.clone();
    let mut shown = 0u64;
    let mut on_warning = |w: &RowWarning| {
        shown += 1;
        if !quiet && shown <= SHOWN_WARNINGS {
            eprintln!("warning: {w}");
        }
    };
    match analyze::analyze(settings, &mut on_warning)? {
        Analyzed::Estimated {
            estimate,
            analyzer_key,
        } => {
            print_estimate(&estimate, &analyzer_key);
            Ok(super::exit::OK)
        }
        Analyzed::Ran {
            record,
            written,
            failures,
        } => {
            let all_failed = record.counts.calls_analyzed + record.counts.calls_cached == 0;
            if !quiet {
                // Every call failed: the reasons go to stderr with the error.
                let shown = if all_failed { &[][..] } else { &failures[..] };
                print_summary(&record, shown, &written, &out);
            }
            if let Some(reason) = &record.engine.stopped {
                eprintln!(
                    "stopped early: {reason}. Everything finished so far is saved; run the same command again to resume."
                );
                return Ok(super::exit::STOPPED);
            }
            if all_failed && !failures.is_empty() {
                print_failures(&record, &failures, &out);
                return Ok(super::exit::ERROR);
            }
            Ok(super::exit::OK)
        }
    }
}

/// What went through the batch API, and how to collect what is still out.
fn print_batch(b: &BatchStats) {
    let price = |c: Option<f64>| c.map_or("unknown".into(), |c| format!("${c:.4}"));
    println!(
        "batch: {} calls submitted in {} batches, {} answers collected from {} batches ({} failed), {} resubmitted; cost {} at batch prices ({} streaming)",
        b.calls_submitted,
        b.batches_submitted,
        b.calls_collected,
        b.batches_collected,
        b.calls_failed,
        b.calls_resubmitted,
        price(b.cost_usd),
        price(b.streaming_cost_usd)
    );
    if b.calls_waiting > 0 {
        println!(
            "batch: {} calls are with the provider (answers within 24 h); run the same command again to collect them, or add --wait to poll until they are done",
            b.calls_waiting
        );
    }
}

/// Every call failed: the most common reasons and where to look further.
fn print_failures(record: &RunRecord, failures: &[(String, u64)], out: &Path) {
    eprintln!(
        "error: every call failed ({} of {}); the most common reasons:",
        record.counts.calls_failed, record.counts.calls_total
    );
    print_reasons(failures, |line| eprintln!("{line}"));
    eprintln!(
        "See one call's requests and answers with `callscope inspect CALL_ID --db {}`.",
        analyze::db_path(out).display()
    );
}

/// One line per failure reason, most common first: `  3 calls: reason`.
fn print_reasons(failures: &[(String, u64)], print: impl Fn(&str)) {
    for (reason, calls) in failures {
        print(&format!("  {calls} calls: {reason}"));
    }
}

fn print_estimate(est: &Estimate, analyzer_key: &str) {
    let per_call = |tokens: u64| tokens.checked_div(est.calls).unwrap_or(0);
    let cost = est.cost_usd.map_or_else(
        || "unknown (no price for this model; add it under [llm.prices])".to_string(),
        |c| format!("${c:.2}"),
    );
    let seconds = |rate: f64| est.calls as f64 * 60.0 / rate.max(1e-9);
    let time = match est.pace {
        Some(Pace::Rpm(rpm)) => {
            format!("about {} at --rpm {rpm}", duration(seconds(f64::from(rpm))))
        }
        Some(Pace::LastRun(rate)) => format!(
            "about {} at {rate:.0} requests/min, the pace of the last run",
            duration(seconds(rate))
        ),
        None => "set by the provider's limit, found during the run (pass --rpm for an estimate)"
            .to_string(),
    };
    let c = &est.calibration;
    let corrected = if !c.known() {
        "from the prompts' length (no earlier answers in this folder to correct it)".to_string()
    } else {
        format!(
            "corrected by {} earlier answers: prompts x{:.2} of the length estimate, answers {} tokens",
            thousands(c.answers),
            c.input_ratio(),
            thousands(c.output(0))
        )
    };
    println!("dry run with {analyzer_key}: nothing was sent.");
    println!(
        "  calls to send   {} ({} cached, {} over the context budget)",
        thousands(est.calls),
        thousands(est.cached),
        thousands(est.over_context)
    );
    println!(
        "  tokens in       about {} ({} per call)",
        thousands(est.tokens_in),
        thousands(per_call(est.tokens_in))
    );
    println!(
        "  tokens out      about {} ({} per call)",
        thousands(est.tokens_out),
        thousands(per_call(est.tokens_out))
    );
    println!("  cost            {cost}");
    println!("  time            {time}");
    println!("  tokens          {corrected}");
}

/// The counts, the reasons calls failed, requests and cost, then every
/// file written; the last line is the report to open.
fn print_summary(record: &RunRecord, failures: &[(String, u64)], written: &Written, out: &Path) {
    let c = &record.counts;
    let mut extra = String::new();
    if c.calls_pending > 0 {
        let why = match record.batch {
            Some(_) => "in provider batches",
            None => "not analysed (run stopped)",
        };
        extra += &format!(", {} {why}", c.calls_pending);
    }
    if c.rows_skipped > 0 {
        extra += &format!(", {} rows skipped", c.rows_skipped);
    }
    println!(
        "{} calls: {} analysed, {} cached (unchanged since the last run), {} failed{extra}; {:.1} s in all, report included",
        c.calls_total, c.calls_analyzed, c.calls_cached, c.calls_failed, record.wall_s
    );
    if !failures.is_empty() {
        println!("failed calls, the most common reasons:");
        print_reasons(failures, |line| println!("{line}"));
    }
    let e = &record.engine;
    if e.requests > 0 {
        let cost = e.cost_usd.map_or("unknown".into(), |c| format!("${c:.4}"));
        println!(
            "{} requests ({} retries, {} answered 429), {} tokens in, {} out, cost {cost}",
            e.requests, e.retries, e.http_429, e.tokens_in, e.tokens_out
        );
        let c = &e.calibration;
        if c.known() {
            println!(
                "estimate vs actual: prompts used x{:.2} the estimated tokens, answers {} tokens on average (stored; the next estimate uses it)",
                c.input_ratio(),
                c.output(0)
            );
        }
    }
    if let Some(b) = &record.batch {
        print_batch(b);
    }
    if c.warnings > SHOWN_WARNINGS {
        println!(
            "{} warnings in all ({} shown); every one is in {}",
            c.warnings,
            SHOWN_WARNINGS,
            analyze::db_path(out).display()
        );
    }
    let report = ["report.html", "report.md", "report.docx"]
        .iter()
        .find_map(|name| written.files.iter().find(|f| f.ends_with(name)));
    for file in written.files.iter().filter(|f| Some(*f) != report) {
        println!("wrote {}", file.display());
    }
    if let Some(report) = report {
        println!("open the report: {}", report.display());
    }
}
