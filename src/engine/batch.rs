//! Batch runs (`--batch`): requests split into as few batches as a
//! provider's limits allow, the polling schedule of `--wait`, and the
//! account of what a batch run did (`run.json`'s `batch`).

use std::ops::Range;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::analyze::llm::batch::Limits;

use super::Backoff;

/// Consecutive runs of entries, each within `limits`: at most
/// `max_requests` entries and `max_bytes` bytes (`sizes[i]` is entry
/// `i`'s size). An entry larger than `max_bytes` goes alone.
pub fn split(sizes: &[usize], limits: Limits) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0usize);
    for (i, &size) in sizes.iter().enumerate() {
        let full = i - start >= limits.max_requests.max(1)
            || (i > start && bytes + size > limits.max_bytes);
        if full {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    out
}

/// `--wait`: the time between polls of the open batches, from `first`
/// doubling up to ten minutes (jittered).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollSchedule {
    backoff: Backoff,
    polls: u32,
}

impl PollSchedule {
    pub const LONGEST: Duration = Duration::from_secs(600);

    pub fn new(first: Duration) -> Self {
        PollSchedule {
            backoff: Backoff {
                base: first.saturating_mul(2),
                max: Self::LONGEST.max(first),
            },
            polls: 0,
        }
    }

    /// The wait before the next poll.
    pub fn next_wait(&mut self) -> Duration {
        self.polls += 1;
        self.backoff.delay(self.polls)
    }
}

/// What a batch run did with the provider's batch API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchStats {
    /// Batches created in this run, and the calls they carry.
    pub batches_submitted: u64,
    pub calls_submitted: u64,
    /// Batches whose answers were stored in this run.
    pub batches_collected: u64,
    pub calls_collected: u64,
    /// Calls of collected batches that have no usable answer (a failed or
    /// unreadable line; a re-run sends them again).
    pub calls_failed: u64,
    /// Calls of expired, cancelled or failed batches without an answer,
    /// sent again.
    pub calls_resubmitted: u64,
    /// Calls in batches still running when the run ended.
    pub calls_waiting: u64,
    /// Batch API requests (create, upload, poll, results).
    pub http_requests: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    /// At batch prices; `None` when the model's price is unknown.
    pub cost_usd: Option<f64>,
    /// The same tokens at the streaming (list) price.
    pub streaming_cost_usd: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_count_and_by_bytes() {
        let limits = Limits {
            max_requests: 3,
            max_bytes: 10,
        };
        assert_eq!(split(&[1; 7], limits), vec![0..3, 3..6, 6..7]);
        assert_eq!(
            split(&[4, 4, 4, 12, 1], limits),
            vec![0..2, 2..3, 3..4, 4..5]
        );
        assert!(split(&[], limits).is_empty());
    }

    #[test]
    fn polls_back_off_to_ten_minutes() {
        let mut s = PollSchedule::new(Duration::from_secs(5));
        let first = s.next_wait();
        assert!(first >= Duration::from_secs(5) && first <= Duration::from_secs(10));
        for _ in 0..20 {
            assert!(s.next_wait() <= PollSchedule::LONGEST);
        }
    }
}
