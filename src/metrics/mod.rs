//! Deterministic conversation metrics computed from a normalised call and the playbook.

mod types;

pub use types::{Metrics, PhraseHit, SectionCoverage};
