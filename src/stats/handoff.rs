//! Opener-to-closer handoff on two-leg calls: the opener quality the analyzer
//! rated and the opener issues and strengths it named most often.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::row::CallRow;

/// Distinct free-text items counted per list (the rest are not tracked).
const MAX_DISTINCT: usize = 500;
/// Items reported per list.
const TOP: usize = 5;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HandoffSummary {
    /// Analysed two-leg calls.
    pub two_leg_calls: u64,
    pub mean_opener_quality: Option<f64>,
    pub rated_calls: u64,
    pub top_issues: Vec<Mention>,
    pub top_strengths: Vec<Mention>,
}

/// A free-text item and how many calls named it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub calls: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Default)]
struct Mentions(BTreeMap<String, (u64, Vec<String>)>);

impl Mentions {
    fn add(&mut self, text: &str, id: &str) {
        let key = text.trim().to_lowercase();
        if key.is_empty() || (self.0.len() >= MAX_DISTINCT && !self.0.contains_key(&key)) {
            return;
        }
        let e = self.0.entry(key).or_default();
        e.0 += 1;
        if e.1.len() < 3 {
            e.1.push(id.to_string());
        }
    }

    fn top(self) -> Vec<Mention> {
        let mut v: Vec<Mention> = self
            .0
            .into_iter()
            .map(|(text, (calls, examples))| Mention {
                text,
                calls,
                examples,
            })
            .collect();
        v.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.text.cmp(&b.text)));
        v.truncate(TOP);
        v
    }
}

#[derive(Debug, Default)]
pub struct HandoffAcc {
    two_leg: u64,
    quality_sum: f64,
    rated: u64,
    issues: Mentions,
    strengths: Mentions,
}

impl HandoffAcc {
    pub fn add(&mut self, row: &CallRow) {
        let (Some(_), Some(insight)) = (row.call.opener_leg(), row.insight()) else {
            return;
        };
        let id = row.call.id.as_str();
        self.two_leg += 1;
        if let Some(q) = insight.opener_quality {
            self.quality_sum += f64::from(q);
            self.rated += 1;
        }
        insight
            .opener_issues
            .iter()
            .for_each(|t| self.issues.add(t, id));
        insight
            .opener_strengths
            .iter()
            .for_each(|t| self.strengths.add(t, id));
    }

    pub fn finish(self) -> HandoffSummary {
        HandoffSummary {
            two_leg_calls: self.two_leg,
            mean_opener_quality: (self.rated > 0).then(|| self.quality_sum / self.rated as f64),
            rated_calls: self.rated,
            top_issues: self.issues.top(),
            top_strengths: self.strengths.top(),
        }
    }
}
