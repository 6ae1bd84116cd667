//! The disposition map: which raw disposition codes mean converted, not
//! converted, or unknown, and the words the report uses for the outcome
//! (`positive_label = "resolved"`). Matching is case-insensitive and trims
//! whitespace.

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
    /// The report's word for a positive outcome. Default: "converted".
    #[serde(default)]
    pub positive_label: Option<String>,
    /// The report's word for a negative outcome. Default: "not " + the
    /// positive word.
    #[serde(default)]
    pub negative_label: Option<String>,
    /// The report's name for the positive rate. Default: "conversion".
    #[serde(default)]
    pub rate_label: Option<String>,
}

/// The words the report uses for the outcome, from `[outcomes]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeWords {
    /// E.g. "converted", "resolved", "donated".
    pub positive: String,
    /// E.g. "not converted", "unresolved".
    pub negative: String,
    /// E.g. "conversion", "resolution".
    pub rate: String,
}

impl Default for OutcomeWords {
    fn default() -> Self {
        OutcomeWords {
            positive: "converted".into(),
            negative: "not converted".into(),
            rate: "conversion".into(),
        }
    }
}

fn label(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
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

    /// True when a non-empty code is in no list and no default covers it:
    /// such a code silently becomes an unknown outcome.
    pub fn is_unmapped(&self, disposition: &str) -> bool {
        let code = disposition.trim();
        let listed = [&self.converted, &self.not_converted, &self.unknown]
            .iter()
            .any(|list| list.iter().any(|c| c.trim().eq_ignore_ascii_case(code)));
        !code.is_empty() && !listed && self.default.is_none()
    }

    /// The report's outcome words, the configured ones over the defaults.
    pub fn words(&self) -> OutcomeWords {
        let default = OutcomeWords::default();
        let positive = label(&self.positive_label);
        let negative = label(&self.negative_label).unwrap_or_else(|| match &positive {
            Some(p) => format!("not {p}"),
            None => default.negative.clone(),
        });
        OutcomeWords {
            positive: positive.unwrap_or(default.positive),
            negative,
            rate: label(&self.rate_label).unwrap_or(default.rate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_default_and_configured() {
        assert_eq!(OutcomeMap::default().words(), OutcomeWords::default());
        let map = OutcomeMap {
            positive_label: Some("resolved".into()),
            rate_label: Some("resolution".into()),
            ..OutcomeMap::default()
        };
        let w = map.words();
        assert_eq!(
            (w.positive.as_str(), w.negative.as_str()),
            ("resolved", "not resolved")
        );
        assert_eq!(w.rate, "resolution");
    }

    #[test]
    fn unmapped_codes_are_those_in_no_list_without_a_default() {
        let mut map = OutcomeMap {
            converted: vec!["SALE".into()],
            unknown: vec!["VM".into()],
            ..OutcomeMap::default()
        };
        assert!(!map.is_unmapped(" sale "));
        assert!(!map.is_unmapped("vm"));
        assert!(map.is_unmapped("resolved"));
        map.default = Some(Outcome::NotConverted);
        assert!(!map.is_unmapped("resolved"));
    }
}
