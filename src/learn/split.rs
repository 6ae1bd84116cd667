//! The fixed split of labelled calls into a training and a test part, by a
//! hash of the call id: the same call falls in the same part in every run,
//! on every platform, for the detectors and the role classifier alike.

/// Which calls of a labelled set to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    All,
    /// About two thirds of the calls (by a hash of the call id).
    Train,
    /// The other third.
    Test,
}

impl Part {
    /// Whether `call_id` belongs to this part (test: BLAKE3 of the id, first
    /// byte divisible by 3).
    pub fn holds(self, call_id: &str) -> bool {
        let test = blake3::hash(call_id.as_bytes()).as_bytes()[0].is_multiple_of(3);
        match self {
            Part::All => true,
            Part::Train => !test,
            Part::Test => test,
        }
    }
}
