//! The output flags shared by `analyze` and `report`: which files to write
//! and whether `insights.jsonl` carries the transcripts.

use crate::export::Transcripts;
use crate::report::publish::{Format, Outputs};

#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Files to write, comma-separated (default: all): md, html, docx, csv, jsonl, parquet, scorecard.
    #[arg(long, value_enum, value_delimiter = ',')]
    formats: Vec<Format>,
    /// Put each call's transcript in insights.jsonl (it then reads back as input).
    #[arg(long)]
    jsonl_transcripts: bool,
}

impl OutputArgs {
    pub fn outputs(&self) -> Outputs {
        let mut formats = if self.formats.is_empty() {
            Format::ALL.to_vec()
        } else {
            self.formats.clone()
        };
        formats.sort();
        formats.dedup();
        Outputs {
            formats,
            transcripts: if self.jsonl_transcripts {
                Transcripts::Included
            } else {
                Transcripts::Omitted
            },
        }
    }
}
