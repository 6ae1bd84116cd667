//! Weekly trends: the outcome rate per calendar week (weeks start on
//! Monday), per agent, and the objections raised per kind, so the report
//! can show change over time on a real date axis when the data spans more
//! than two weeks. Memory grows with weeks × agents and weeks × kinds.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::rate::Rate;
use super::row::CallRow;

/// Span of the data above which weekly trends are shown.
pub const MIN_SPAN_DAYS: i64 = 14;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Weekly {
    /// Week start -> outcome rate.
    pub overall: BTreeMap<NaiveDate, Rate>,
    /// Agent -> week start -> outcome rate.
    pub agents: BTreeMap<String, BTreeMap<NaiveDate, Rate>>,
    /// Objection kind -> week start -> objections raised.
    pub objections: BTreeMap<String, BTreeMap<NaiveDate, u64>>,
}

/// The Monday of the week `day` is in.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl Weekly {
    pub fn add(&mut self, row: &CallRow, positive: Option<bool>) {
        let Some(week) = row.call.started_at.map(|t| week_of(t.date())) else {
            return;
        };
        if let Some(p) = positive {
            self.overall.entry(week).or_default().record(p);
            if let Some(agent) = row.agent().map(str::trim).filter(|a| !a.is_empty()) {
                self.agents
                    .entry(agent.to_string())
                    .or_default()
                    .entry(week)
                    .or_default()
                    .record(p);
            }
        }
        for o in row
            .insight()
            .map(|i| i.objections.as_slice())
            .unwrap_or_default()
        {
            *self
                .objections
                .entry(o.kind.clone())
                .or_default()
                .entry(week)
                .or_default() += 1;
        }
    }

    /// Every week from the first to the last, empty ones included.
    pub fn weeks(&self) -> Vec<NaiveDate> {
        let (Some(first), Some(last)) = (self.overall.keys().next(), self.overall.keys().last())
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut w = *first;
        while w <= *last {
            out.push(w);
            w += Duration::days(7);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_empty_weeks_are_kept() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(week_of(d(3, 4)), d(3, 2), "a Wednesday");
        assert_eq!(week_of(d(3, 2)), d(3, 2));
        let mut w = Weekly::default();
        w.overall.insert(d(3, 2), Rate::new(1, 2));
        w.overall.insert(d(3, 23), Rate::new(0, 1));
        assert_eq!(w.weeks(), vec![d(3, 2), d(3, 9), d(3, 16), d(3, 23)]);
    }
}
