//! `callscope train`: fits the detectors on a label table and writes the
//! model file that `[detect] model` puts in force.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::analyze::detect::train::{self, LabelledSentence, fit};
use crate::config::Config;
use crate::eval::labels::{self, Part};
use crate::learn::TrainOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The label table (an utterance table with label columns).
    #[arg(long)]
    labels: PathBuf,
    /// Further label tables (same `[eval]` mapping) used whole, whatever
    /// `--part` says; repeatable.
    #[arg(long)]
    extra: Vec<PathBuf>,
    /// The config whose `[eval]` maps the label columns.
    #[arg(long)]
    config: PathBuf,
    /// Which calls to train on (train/test: a fixed split by call-id hash).
    #[arg(long, value_enum, default_value = "all")]
    part: Part,
    /// Where to write the model.
    #[arg(long, default_value = "callscope-model.cslm")]
    out: PathBuf,
    /// The model's name (shown in reports).
    #[arg(long, default_value = "trained")]
    name: String,
    /// Only estimate the held-out figures: K-fold cross-validation by call
    /// on the training rows (thresholds chosen inside each fold); writes
    /// no model.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(2..))]
    cv: Option<u64>,
}

pub fn run(args: Args) -> Result<i32> {
    let config = Config::load(&args.config)?;
    let mut rows = Vec::new();
    let tables =
        std::iter::once((&args.labels, args.part)).chain(args.extra.iter().map(|p| (p, Part::All)));
    for (path, part) in tables {
        let set = labels::read(path, &config, part)?;
        for w in &set.skipped {
            eprintln!("warning: {w}");
        }
        rows.extend(set.rows);
    }
    let sentences: Vec<LabelledSentence> = rows.iter().map(labelled).collect();
    if let Some(folds) = args.cv {
        return cross_validate(&sentences, folds, distinct_calls(&rows));
    }
    let model = fit(&args.name, &sentences, &TrainOptions::default()).context("cannot train")?;
    std::fs::write(&args.out, model.to_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "trained `{}` ({}) on {} sentences of {} calls: heads {}",
        model.name(),
        model.hash(),
        sentences.len(),
        distinct_calls(&rows),
        model.heads().join(", ")
    );
    println!("wrote {}", args.out.display());
    println!("use it with:\n[detect]\nmodel = \"{}\"", args.out.display());
    Ok(super::exit::OK)
}

fn cross_validate(sentences: &[LabelledSentence], folds: u64, calls: usize) -> Result<i32> {
    let opts = TrainOptions::default();
    let counts = train::cross_validate(sentences, &opts, folds).context("cannot train")?;
    println!(
        "{folds}-fold cross-validation by call on {} sentences of {calls} calls",
        sentences.len()
    );
    println!(
        "| head | tp | fp | fn | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (head, c) in counts {
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} |",
            head.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_),
            c.f1()
        );
    }
    Ok(super::exit::OK)
}

fn labelled(row: &labels::LabelRow) -> LabelledSentence {
    LabelledSentence {
        group: u64::from_le_bytes(
            blake3::hash(row.call_id.as_bytes()).as_bytes()[..8]
                .try_into()
                .unwrap_or_default(),
        ),
        speaker: row.speaker,
        text: row.text.clone(),
        labels: row.heads,
    }
}

fn distinct_calls(rows: &[labels::LabelRow]) -> usize {
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.call_id.as_str()).collect();
    ids.len()
}
