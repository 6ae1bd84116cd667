//! Batches submitted to a provider's batch API (`batches`, `batch_calls`):
//! recorded with their calls before anything is sent, so a crash at any
//! point neither loses a batch nor sends its calls twice.

use rusqlite::params;

use super::{CallKey, Result, Store};

/// A batch's local id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchId(pub i64);

/// A batch not yet closed, with its calls in submission order.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenBatch {
    pub id: BatchId,
    /// `None` when the run stopped between recording the batch and the
    /// provider naming it.
    pub remote_id: Option<String>,
    pub calls: Vec<CallKey>,
}

impl Store {
    /// Records a batch about to be submitted and its calls, committed
    /// before the call returns.
    pub fn open_batch(&self, analyzer: &str, calls: &[CallKey]) -> Result<BatchId> {
        self.begin()?;
        self.conn.execute(
            "INSERT INTO batches (analyzer, remote_id, state, created_at)
             VALUES (?1, NULL, 'preparing', ?2)",
            params![analyzer, super::now()],
        )?;
        let id = self.conn.last_insert_rowid();
        let mut put = self.conn.prepare_cached(
            "INSERT INTO batch_calls (batch_id, seq, call_id, content_hash) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (seq, key) in calls.iter().enumerate() {
            put.execute(params![id, seq as i64, key.call_id, key.content_hash])?;
        }
        self.commit()?;
        Ok(BatchId(id))
    }

    /// The provider accepted the batch under `remote_id`.
    pub fn batch_submitted(&self, id: BatchId, remote_id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE batches SET remote_id = ?1, state = 'submitted' WHERE id = ?2",
            params![remote_id, id.0],
        )?;
        Ok(())
    }

    /// Nothing more will come of the batch: its answers are stored, or it
    /// was never accepted.
    pub fn close_batch(&self, id: BatchId) -> Result<()> {
        self.conn.execute(
            "UPDATE batches SET state = 'closed' WHERE id = ?1",
            params![id.0],
        )?;
        Ok(())
    }

    /// The analyzer's batches not yet closed, oldest first.
    pub fn open_batches(&self, analyzer: &str) -> Result<Vec<OpenBatch>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, remote_id FROM batches WHERE analyzer = ?1 AND state != 'closed' ORDER BY id",
        )?;
        let heads = stmt
            .query_map(params![analyzer], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut calls = self.conn.prepare(
            "SELECT call_id, content_hash FROM batch_calls WHERE batch_id = ?1 ORDER BY seq",
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (id, remote_id) in heads {
            let keys = calls
                .query_map(params![id], |r| {
                    Ok(CallKey {
                        call_id: r.get(0)?,
                        content_hash: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push(OpenBatch {
                id: BatchId(id),
                remote_id,
                calls: keys,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> CallKey {
        CallKey {
            call_id: id.into(),
            content_hash: "h".into(),
        }
    }

    #[test]
    fn a_batch_is_open_from_before_submission_until_closed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let id = store.open_batch("a", &[key("c1"), key("c2")]).unwrap();
        let open = store.open_batches("a").unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].remote_id, None);
        assert_eq!(open[0].calls, vec![key("c1"), key("c2")]);
        assert!(store.open_batches("other").unwrap().is_empty());
        store.batch_submitted(id, "batches/9").unwrap();
        assert_eq!(
            store.open_batches("a").unwrap()[0].remote_id.as_deref(),
            Some("batches/9")
        );
        store.close_batch(id).unwrap();
        assert!(store.open_batches("a").unwrap().is_empty());
    }
}
