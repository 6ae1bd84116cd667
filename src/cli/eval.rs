//! `callscope eval`: compares the last run's stored analysis with a label
//! table and writes `eval.json` and `eval.md`.

use std::path::PathBuf;

use anyhow::Result;

use crate::config::Config;
use crate::eval::labels::{self, Part};
use crate::eval::{evaluate, render};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The run's database.
    #[arg(long, default_value = "callscope-out/callscope.db")]
    db: PathBuf,
    /// The label table (an utterance table with label columns).
    #[arg(long)]
    labels: PathBuf,
    /// The config whose `[eval]` maps the label columns.
    #[arg(long)]
    config: PathBuf,
    /// Which labelled calls to measure on (train/test: the fixed split by
    /// call-id hash that `train --part` uses).
    #[arg(long, value_enum, default_value = "all")]
    part: Part,
    /// Where to write eval.json and eval.md (default: the database's folder).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<i32> {
    let config = Config::load(&args.config)?;
    let set = labels::read(&args.labels, &config, args.part)?;
    let store = Store::open_existing(&args.db)?;
    let report = evaluate(&store, &set)?;
    let out = args.out.unwrap_or_else(|| {
        args.db
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    });
    let m = &report.matching;
    println!(
        "{} label rows: {} matched, {} unmatched (call not in the run: {}, no such sentence: {}), {} unreadable",
        m.label_rows,
        m.matched,
        m.unmatched_no_call + m.unmatched_no_sentence,
        m.unmatched_no_call,
        m.unmatched_no_sentence,
        m.unreadable_rows
    );
    for (name, d) in &report.detectors {
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
        println!(
            "{name:18} P {} R {} F1 {} (tp {}, fp {}, fn {})",
            f(d.precision),
            f(d.recall),
            f(d.f1),
            d.counts.tp,
            d.counts.fp,
            d.counts.fn_
        );
    }
    for path in render::write(&report, &out)? {
        println!("wrote {}", path.display());
    }
    Ok(super::exit::OK)
}
