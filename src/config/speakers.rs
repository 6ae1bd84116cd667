//! Speaker labels: which transcript labels mean the agent and which the
//! customer. Matching is case-insensitive on the trimmed label.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerMap {
    #[serde(default)]
    pub agent: Vec<String>,
    #[serde(default)]
    pub customer: Vec<String>,
}
