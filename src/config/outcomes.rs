//! The disposition map: which raw disposition codes mean converted, not
//! converted, or unknown. Matching is case-insensitive and trims whitespace.

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeMap {
    #[serde(default)]
    pub converted: Vec<String>,
    #[serde(default)]
    pub not_converted: Vec<String>,
    /// Codes listed here are explicitly unknown (e.g. answering machine).
    #[serde(default)]
    pub unknown: Vec<String>,
    /// What an unlisted, non-empty code means. Default: unknown.
    #[serde(default)]
    pub default: Option<Outcome>,
}

impl OutcomeMap {
    pub fn outcome(&self, disposition: Option<&str>) -> Outcome {
        let Some(code) = disposition.map(str::trim).filter(|c| !c.is_empty()) else {
            return Outcome::Unknown;
        };
        let listed = |codes: &[String]| codes.iter().any(|c| c.trim().eq_ignore_ascii_case(code));
        if listed(&self.converted) {
            Outcome::Converted
        } else if listed(&self.not_converted) {
            Outcome::NotConverted
        } else if listed(&self.unknown) {
            Outcome::Unknown
        } else {
            self.default.unwrap_or(Outcome::Unknown)
        }
    }
}
