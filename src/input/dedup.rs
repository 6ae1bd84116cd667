//! Duplicate call ids: the first row wins, later rows are reported.
//! Ids are remembered as 64-bit hashes. The most recent ones stay in memory;
//! beyond `IN_MEMORY` they move to a temporary on-disk SQLite table, so
//! memory stays flat however many calls the input holds.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use rusqlite::{Connection, OptionalExtension, params};

use super::RowWarning;

/// Ids kept in memory before they move to disk (about 6 MB).
const IN_MEMORY: usize = 1 << 18;

/// Remembers the row where each call id was first seen.
#[derive(Debug, Default)]
pub struct Dedup {
    recent: HashMap<u64, u64>,
    /// Older ids, once there were more than `IN_MEMORY`.
    spilled: Option<Connection>,
}

fn key(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Dedup {
    /// The row where `id` was first seen, if it was.
    pub fn first_row(&self, id: &str) -> Option<u64> {
        let key = key(id);
        self.recent
            .get(&key)
            .copied()
            .or_else(|| self.spilled.as_ref().and_then(|db| lookup(db, key)))
    }

    /// Records that `id` was first seen at `row`.
    pub fn remember(&mut self, id: &str, row: u64) {
        if self.first_row(id).is_some() {
            return;
        }
        self.recent.insert(key(id), row);
        if self.recent.len() >= IN_MEMORY {
            self.spill();
        }
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

    /// Moves the in-memory ids to the temporary table. If the disk refuses,
    /// they stay in memory: correctness first.
    fn spill(&mut self) {
        if self.spilled.is_none() {
            self.spilled = open_spill()
                .inspect_err(|e| tracing::warn!("duplicate-id spill unavailable: {e}"))
                .ok();
        }
        let Some(db) = &self.spilled else { return };
        let moved = db.execute_batch("BEGIN").and_then(|_| {
            let mut put =
                db.prepare_cached("INSERT OR IGNORE INTO seen (key, row) VALUES (?1, ?2)")?;
            for (&key, &row) in &self.recent {
                put.execute(params![key as i64, row as i64])?;
            }
            db.execute_batch("COMMIT")
        });
        match moved {
            Ok(()) => self.recent.clear(),
            Err(e) => tracing::warn!("duplicate-id spill failed, kept in memory: {e}"),
        }
    }
}

/// A private temporary database on disk (SQLite deletes it on close).
fn open_spill() -> rusqlite::Result<Connection> {
    let db = Connection::open("")?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         CREATE TABLE seen (key INTEGER PRIMARY KEY, row INTEGER NOT NULL);",
    )?;
    Ok(db)
}

fn lookup(db: &Connection, key: u64) -> Option<u64> {
    let mut get = db
        .prepare_cached("SELECT row FROM seen WHERE key = ?1")
        .ok()?;
    get.query_row(params![key as i64], |r| r.get::<_, i64>(0))
        .optional()
        .ok()
        .flatten()
        .map(|row| row as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_remembered_across_the_spill_to_disk() {
        let mut seen = Dedup::default();
        let n = IN_MEMORY as u64 + 1_000;
        for row in 0..n {
            assert!(
                seen.check("f.csv", &format!("call-{row}"), row + 2)
                    .is_none()
            );
        }
        assert!(seen.spilled.is_some(), "older ids moved to disk");
        assert!(seen.recent.len() < IN_MEMORY, "memory stays bounded");
        let early = seen
            .check("f.csv", "call-3", n + 2)
            .expect("spilled id found");
        assert!(
            early.message.contains("first seen at row 5"),
            "{}",
            early.message
        );
        let late = seen.check("f.csv", &format!("call-{}", n - 1), n + 3);
        assert!(
            late.expect("recent id found")
                .message
                .contains(&format!("row {}", n + 1))
        );
        assert!(seen.check("f.csv", "call-new", n + 4).is_none());
    }
}
