//! The command line: argument parsing and dispatch. Each subcommand has its
//! own module; they call the run layer (`crate::run`) or library stages and
//! print what came back.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the command line prints

mod analyze;
mod demo;
mod eval;
mod init;
mod inspect;
mod report;
mod train;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Exit codes, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    /// The run stopped early (quota, budget, Ctrl-C); what was done is kept.
    pub const STOPPED: i32 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "callscope",
    version,
    about = "Why don't our calls convert? Analyse call exports into an evidence-backed report."
)]
struct Cli {
    /// More log output (-v info, -vv debug). Logs never contain API keys.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse every call of an export and write the report and exports.
    Analyze(Box<crate::run::AnalyzeArgs>),
    /// Write a fully commented callscope.toml to start from.
    Init(init::Args),
    /// Write realistic synthetic calls with planted patterns.
    DemoData(demo::Args),
    /// Re-render the report of the last run from its database.
    Report(report::Args),
    /// Show one call's metrics, analysis and request log.
    Inspect(inspect::Args),
    /// Measure the last run's detections against a label table.
    Eval(eval::Args),
    /// Fit the sentence detectors on a label table and write the model.
    Train(train::Args),
}

pub fn run() -> Result<i32> {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match cli.command {
        Command::Analyze(args) => analyze::run(*args),
        Command::Init(args) => init::run(args),
        Command::DemoData(args) => demo::run(args),
        Command::Report(args) => report::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Train(args) => train::run(args),
        Command::Eval(args) => eval::run(args),
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn,usvg=error",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("CALLSCOPE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
