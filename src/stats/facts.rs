//! `RowFacts`: the few per-call values every group table needs, derived once
//! per row so each table does not re-derive them.

use crate::model::Outcome;

use super::row::CallRow;

/// What one call contributes to a group.
#[derive(Debug, Clone, PartialEq)]
pub struct RowFacts {
    pub call_id: String,
    /// `None` when the outcome is unknown.
    pub converted: Option<bool>,
    /// `None` unless analysed with a known duration.
    pub short: Option<bool>,
    pub duration_s: Option<f64>,
    pub compliance_pct: Option<f64>,
    /// Objections raised and how many were rebutted; `None` when not analysed.
    pub objections: Option<(u64, u64)>,
}

impl RowFacts {
    pub fn of(row: &CallRow, threshold_s: f64) -> Self {
        let insight = row.insight();
        RowFacts {
            call_id: row.call.id.clone(),
            converted: match row.call.outcome {
                Outcome::Converted => Some(true),
                Outcome::NotConverted => Some(false),
                Outcome::Unknown => None,
            },
            short: row.is_short(threshold_s),
            duration_s: row.call.duration_s.filter(|d| d.is_finite()),
            compliance_pct: insight
                .and_then(|i| i.script.as_ref())
                .map(|s| s.overall_pct),
            objections: insight.map(|i| {
                let raised = i.objections.len() as u64;
                let rebutted = i.objections.iter().filter(|o| o.rebuttal_attempted).count();
                (raised, rebutted as u64)
            }),
        }
    }
}
