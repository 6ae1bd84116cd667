//! Duplicate call ids: the first row wins, later rows are reported.
//! Ids are remembered as 64-bit hashes (16 bytes per call instead of the
//! id string), so memory stays small on million-call inputs.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::RowWarning;

/// Remembers the row where each call id was first seen.
#[derive(Debug, Default)]
pub struct Dedup {
    first_row: HashMap<u64, u64>,
}

fn key(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Dedup {
    /// The row where `id` was first seen, if it was.
    pub fn first_row(&self, id: &str) -> Option<u64> {
        self.first_row.get(&key(id)).copied()
    }

    /// Records that `id` was first seen at `row`.
    pub fn remember(&mut self, id: &str, row: u64) {
        self.first_row.entry(key(id)).or_insert(row);
    }

    /// `None` for a new id (now remembered); a warning naming both rows for a repeated one.
    pub fn check(&mut self, file: &str, id: &str, row: u64) -> Option<RowWarning> {
        match self.first_row(id) {
            Some(first) => Some(RowWarning::new(
                file,
                row,
                None,
                format!("duplicate call id `{id}` (first seen at row {first}); row skipped"),
            )),
            None => {
                self.remember(id, row);
                None
            }
        }
    }
}
