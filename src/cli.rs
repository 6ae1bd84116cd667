//! The command line: argument parsing and dispatch to the pipeline stages.

use anyhow::Result;

pub fn run() -> Result<i32> {
    Ok(0)
}
