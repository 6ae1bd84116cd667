//! Duplicate call ids: the first row wins, later rows are reported.

use std::collections::HashMap;

use super::RowWarning;

/// Remembers the row where each call id was first seen.
#[derive(Debug, Default)]
pub struct Dedup {
    first_row: HashMap<String, u64>,
}

impl Dedup {
    /// `None` for a new id; a warning naming both rows for a repeated one.
    pub fn check(&mut self, file: &str, id: &str, row: u64) -> Option<RowWarning> {
        match self.first_row.get(id) {
            Some(first) => Some(RowWarning::new(
                file,
                row,
                None,
                format!("duplicate call id `{id}` (first seen at row {first}); row skipped"),
            )),
            None => {
                self.first_row.insert(id.to_string(), row);
                None
            }
        }
    }
}
