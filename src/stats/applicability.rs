//! What the report may claim on this data: whether the playbook's script
//! applies (enabled, has sections, and is actually found in the calls),
//! whether the compliance score relates to the outcome, how many calls'
//! start and end sentiment windows overlap, and which disposition codes no
//! `[outcomes]` list names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{OutcomeMap, Playbook};
use crate::model::Outcome;

use super::compare::{Comparison, ComparisonDetail, Target};
use super::features::{NumericFeature, sentiment_windows_distinct};
use super::rate::Rate;
use super::row::CallRow;

/// Below this share of measured calls containing the script, the playbook is
/// taken not to fit the data.
pub const FIT_SHARE: f64 = 0.2;
/// Distinct unmapped codes tracked; more are counted together.
const MAX_CODES: usize = 200;

/// Whether script compliance can be reported, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScriptFit {
    Applies,
    /// `[playbook] enabled = false`.
    Disabled,
    /// The playbook has no script sections.
    NoSections,
    /// No call's section coverage could be measured (no transcripts with
    /// known speakers).
    NotMeasured,
    /// Few calls contain the script.
    DoesNotFit,
}

impl ScriptFit {
    pub fn applies(&self) -> bool {
        *self == ScriptFit::Applies
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applicability {
    pub script: ScriptFit,
    /// Calls whose agent delivered at least half of the core script sections,
    /// over calls whose coverage was measured.
    pub script_found: Rate,
    /// Held-out separation of the outcome by the compliance score (AUC from
    /// the Mann-Whitney test), when it was tested.
    pub compliance_auc: Option<f64>,
    /// The compliance score is a headline finding for the outcome, in the
    /// right direction: only then are agents ranked on it.
    pub compliance_relates: bool,
    /// Calls with a customer sentiment, hits = start and end windows overlap.
    pub sentiment_overlap: Rate,
    /// Codes that silently became unknown outcomes, most frequent first.
    pub unmapped_codes: Vec<(String, u64)>,
}

/// Streams the calls into an [`Applicability`].
#[derive(Debug)]
pub struct ApplicabilityAcc {
    enabled: bool,
    has_sections: bool,
    core: Vec<String>,
    map: OutcomeMap,
    script_found: Rate,
    sentiment_overlap: Rate,
    unmapped: BTreeMap<String, u64>,
}

impl ApplicabilityAcc {
    pub fn new(playbook: &Playbook, map: OutcomeMap) -> Self {
        ApplicabilityAcc {
            enabled: playbook.enabled,
            has_sections: !playbook.sections.is_empty(),
            core: playbook.core_section_ids(),
            map,
            script_found: Rate::default(),
            sentiment_overlap: Rate::default(),
            unmapped: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, row: &CallRow) {
        if let Some(delivered) = self.core_delivered(row) {
            self.script_found.record(2 * delivered >= self.core.len());
        }
        if row.metrics.customer_sentiment_start.is_some() {
            self.sentiment_overlap
                .record(!sentiment_windows_distinct(row));
        }
        if let Some(code) = row.call.disposition.as_deref()
            && row.call.outcome == Outcome::Unknown
            && self.map.is_unmapped(code)
        {
            let code = code.trim();
            let key = if self.unmapped.len() < MAX_CODES || self.unmapped.contains_key(code) {
                code.to_string()
            } else {
                "(other codes)".to_string()
            };
            *self.unmapped.entry(key).or_default() += 1;
        }
    }

    /// Core sections the agent delivered: from the measured phrase coverage,
    /// else from the analyzer's script assessment; `None` when neither
    /// exists.
    fn core_delivered(&self, row: &CallRow) -> Option<usize> {
        if self.core.is_empty() {
            return None;
        }
        let core = |id: &String| self.core.contains(id);
        let measured = &row.metrics.sections;
        if !measured.is_empty() {
            return Some(
                measured
                    .iter()
                    .filter(|s| s.attempted() && core(&s.section))
                    .count(),
            );
        }
        let assessed = row.insight()?.script.as_ref()?;
        Some(
            assessed
                .sections
                .iter()
                .filter(|s| s.attempted && core(&s.section))
                .count(),
        )
    }

    /// The verdict on the script, before any test is run.
    pub fn script_fit(&self) -> ScriptFit {
        if !self.enabled {
            ScriptFit::Disabled
        } else if !self.has_sections {
            ScriptFit::NoSections
        } else if self.script_found.n == 0 {
            ScriptFit::NotMeasured
        } else if self.script_found.value().unwrap_or(0.0) < FIT_SHARE {
            ScriptFit::DoesNotFit
        } else {
            ScriptFit::Applies
        }
    }

    pub fn finish(self, comparisons: &[Comparison]) -> Applicability {
        let compliance = comparisons.iter().find(|c| {
            c.target == Target::Conversion
                && matches!(&c.detail, ComparisonDetail::Numeric(n) if n.feature == NumericFeature::CompliancePct)
        });
        let delta = compliance.and_then(|c| match &c.detail {
            ComparisonDetail::Numeric(n) => Some(n.cliffs_delta),
            ComparisonDetail::Categorical(_) => None,
        });
        let script = self.script_fit();
        let mut unmapped: Vec<(String, u64)> = self.unmapped.into_iter().collect();
        unmapped.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Applicability {
            script,
            script_found: self.script_found,
            compliance_auc: delta.map(|d| (d + 1.0) / 2.0),
            compliance_relates: compliance.is_some_and(|c| c.headline())
                && delta.is_some_and(|d| d > 0.0),
            sentiment_overlap: self.sentiment_overlap,
            unmapped_codes: unmapped,
        }
    }
}
