//! `callscope inspect`: one call's stored versions, metrics, analyses and LLM
//! request/response log, as JSON.

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde_json::json;

use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The call id as in the input.
    call_id: String,
    /// The run's database.
    #[arg(long, default_value = "callscope-out/callscope.db")]
    db: PathBuf,
}

pub fn run(args: Args) -> Result<i32> {
    let store = Store::open_existing(&args.db)?;
    let versions = store.call_versions(&args.call_id)?;
    if versions.is_empty() {
        bail!("no call {:?} in {}", args.call_id, args.db.display());
    }
    let mut out = Vec::new();
    for (key, call) in versions {
        let analyses: Vec<_> = store
            .analyses_of(&key)?
            .into_iter()
            .map(|(metrics, analysis)| json!({"metrics": metrics, "analysis": analysis}))
            .collect();
        out.push(json!({
            "content_hash": key.content_hash,
            "call": call,
            "analyses": analyses,
        }));
    }
    let requests = store.requests_of(&args.call_id)?;
    let doc = json!({"call_id": args.call_id, "versions": out, "requests": requests});
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(super::exit::OK)
}
