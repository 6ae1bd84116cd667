//! `callscope init`: writes the fully commented default configuration.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::config::template::template;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write it.
    #[arg(long, default_value = "callscope.toml")]
    out: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> Result<i32> {
    if args.out.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to overwrite it",
            args.out.display()
        );
    }
    std::fs::write(&args.out, template())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(super::exit::OK)
}
