//! `callscope demo-data`: synthetic calls with planted patterns.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::demo::{self, DemoLayout, DemoOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many calls.
    #[arg(long, default_value_t = 200)]
    calls: usize,
    /// Random seed: the same seed writes the same file.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Column layout of the CSV.
    #[arg(long, default_value = "generic")]
    layout: DemoLayout,
    /// Output CSV file.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<i32> {
    let opts = DemoOptions {
        calls: args.calls,
        seed: args.seed,
        layout: args.layout,
    };
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut out = BufWriter::new(file);
    demo::generate(&opts, &mut out)
        .and_then(|_| out.flush())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {} calls to {}", args.calls, args.out.display());
    Ok(super::exit::OK)
}
