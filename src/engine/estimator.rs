//! Token estimates corrected by what providers really counted. The prompt
//! estimate (characters / 4 plus the schema) is scaled by the ratio of
//! reported to estimated prompt tokens, and the expected answer size is
//! replaced by the mean reported answer, once enough answers are known:
//! from this run's answers, or from the usage stored by earlier runs.

use serde::{Deserialize, Serialize};

/// Answers needed before the reported usage replaces the configuration.
const MIN_ANSWERS: u64 = 5;
/// The correction stays within these factors (a wildly off count is more
/// likely a provider quirk than a wrong estimate).
const RATIO_RANGE: (f64, f64) = (0.2, 5.0);

/// Estimated and reported tokens of answered requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub answers: u64,
    pub estimated_in: u64,
    pub reported_in: u64,
    pub reported_out: u64,
}

impl Calibration {
    /// One answered request: its prompt estimate and the reported usage.
    pub fn record(&mut self, estimated_in: u64, reported_in: u64, reported_out: u64) {
        self.answers += 1;
        self.estimated_in += estimated_in;
        self.reported_in += reported_in;
        self.reported_out += reported_out;
    }

    pub fn merge(&mut self, other: &Calibration) {
        self.answers += other.answers;
        self.estimated_in += other.estimated_in;
        self.reported_in += other.reported_in;
        self.reported_out += other.reported_out;
    }

    /// Enough answers for the reported usage to replace the estimate.
    pub fn known(&self) -> bool {
        self.answers >= MIN_ANSWERS && self.estimated_in > 0
    }

    /// Reported / estimated prompt tokens; 1 until enough is known.
    pub fn input_ratio(&self) -> f64 {
        if !self.known() {
            return 1.0;
        }
        (self.reported_in as f64 / self.estimated_in as f64).clamp(RATIO_RANGE.0, RATIO_RANGE.1)
    }

    /// A prompt estimate corrected by the ratio.
    pub fn input(&self, estimate: u64) -> u64 {
        (estimate as f64 * self.input_ratio()).round() as u64
    }

    /// The mean reported answer, or `configured` until enough is known.
    pub fn output(&self, configured: u64) -> u64 {
        if !self.known() {
            return configured;
        }
        self.reported_out.div_ceil(self.answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrects_after_enough_answers_and_stays_in_range() {
        let mut c = Calibration::default();
        for _ in 0..4 {
            c.record(1000, 400, 300);
        }
        assert_eq!(
            (c.input(1000), c.output(900)),
            (1000, 900),
            "too few answers"
        );
        c.record(1000, 400, 300);
        assert_eq!((c.input(1000), c.output(900)), (400, 300));
        let mut wild = Calibration::default();
        for _ in 0..5 {
            wild.record(10, 1000, 1);
        }
        assert_eq!(wild.input(10), 50, "at most 5x");
    }
}
