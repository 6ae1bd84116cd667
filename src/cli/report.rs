//! `callscope report`: re-renders the last run's report and exports from its
//! database, without analysing anything again.

use std::path::PathBuf;

use anyhow::Result;

use crate::run::publish;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The run's database.
    #[arg(long, default_value = "callscope-out/callscope.db")]
    db: PathBuf,
    /// Where to write the report (default: the database's folder).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    outputs: crate::run::OutputArgs,
}

pub fn run(args: Args) -> Result<i32> {
    let store = Store::open_existing(&args.db)?;
    let run = store.latest_run()?;
    let out = args.out.unwrap_or_else(|| {
        args.db
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    });
    for file in publish::write_outputs(&store, &run, &out, None, &args.outputs.resolve())?.files {
        println!("wrote {}", file.display());
    }
    Ok(super::exit::OK)
}
