//! `scorecard.csv`: one row per agent and month for a CRM or spreadsheet:
//! calls, conversion with its Wilson 95 % interval, the mean of each
//! measured behaviour over the calls where it was measured (empty where it
//! never was), and the same means over the team's best converters as the
//! reference to coach towards.
//!
//! Best converters: agents with at least `min_calls` calls of known outcome
//! whose conversion is in the top quarter of such agents (at least one).
//! Memory grows with agents × months, not with calls.

use std::collections::BTreeMap;

use crate::analyze::Analysis;
use crate::metrics::Metrics;
use crate::model::{Call, Outcome};
use crate::stats::Rate;

/// A behaviour measured per call, named as in the CSV.
type Behaviour = (&'static str, fn(&Metrics, Option<&Analysis>) -> Option<f64>);

const BEHAVIOURS: [Behaviour; 7] = [
    ("agent_talk_share", |m, _| m.agent_talk_share_words),
    ("agent_questions", |m, _| m.agent_questions.map(f64::from)),
    ("customer_questions", |m, _| {
        m.customer_questions.map(f64::from)
    }),
    ("longest_monologue_words", |m, _| {
        m.longest_monologue_words.map(f64::from)
    }),
    ("time_to_purpose_s", |m, _| m.time_to_purpose_s),
    ("interruptions", |m, _| m.interruptions.map(f64::from)),
    ("script_compliance_pct", |_, a| {
        a?.insight.as_ref()?.script.as_ref().map(|s| s.overall_pct)
    }),
];

/// Sums for one group of calls.
#[derive(Debug, Clone, Default)]
struct Tally {
    calls: u64,
    conversion: Rate,
    /// Per behaviour: sum and count of calls where it was measured.
    sums: [(f64, u64); BEHAVIOURS.len()],
}

impl Tally {
    fn add(&mut self, call: &Call, metrics: Option<&Metrics>, analysis: Option<&Analysis>) {
        self.calls += 1;
        match call.outcome {
            Outcome::Converted => self.conversion.record(true),
            Outcome::NotConverted => self.conversion.record(false),
            Outcome::Unknown => {}
        }
        let Some(m) = metrics else { return };
        for ((_, measure), (sum, n)) in BEHAVIOURS.iter().zip(self.sums.iter_mut()) {
            if let Some(v) = measure(m, analysis).filter(|v| v.is_finite()) {
                *sum += v;
                *n += 1;
            }
        }
    }

    fn merge(&mut self, other: &Tally) {
        self.calls += other.calls;
        self.conversion.add(other.conversion);
        for (mine, theirs) in self.sums.iter_mut().zip(other.sums) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
        }
    }

    fn means(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        self.sums
            .iter()
            .map(|(sum, n)| (*n > 0).then(|| sum / *n as f64))
    }
}

/// The scorecard being built from a stream of calls.
#[derive(Debug, Default)]
pub struct Scorecard {
    groups: BTreeMap<(String, String), Tally>,
}

impl Scorecard {
    pub fn add(&mut self, call: &Call, metrics: Option<&Metrics>, analysis: Option<&Analysis>) {
        let agent = call
            .agent
            .clone()
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "(no agent)".to_string());
        let month = call.started_at.map_or_else(
            || "unknown".to_string(),
            |t| t.date().format("%Y-%m").to_string(),
        );
        self.groups
            .entry((agent, month))
            .or_default()
            .add(call, metrics, analysis);
    }

    /// The header and one record per agent and month, in that order.
    pub fn records(&self, min_calls: u64) -> (Vec<String>, Vec<Vec<String>>) {
        let best = self.best_converters(min_calls);
        let mut header: Vec<String> = [
            "agent",
            "month",
            "calls",
            "calls_known_outcome",
            "converted",
            "conversion",
            "conversion_ci_low",
            "conversion_ci_high",
        ]
        .map(String::from)
        .to_vec();
        header.extend(BEHAVIOURS.iter().map(|(n, _)| n.to_string()));
        header.extend(
            BEHAVIOURS
                .iter()
                .map(|(n, _)| format!("best_converters_{n}")),
        );
        header.push("best_converters".to_string());
        let num = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
        let reference: Vec<String> = best.1.means().map(num).collect();
        let rows = self
            .groups
            .iter()
            .map(|((agent, month), t)| {
                let ci = t.conversion.wilson();
                let mut row = vec![
                    agent.clone(),
                    month.clone(),
                    t.calls.to_string(),
                    t.conversion.n.to_string(),
                    t.conversion.hits.to_string(),
                    num(t.conversion.value()),
                    num(ci.map(|c| c.low)),
                    num(ci.map(|c| c.high)),
                ];
                row.extend(t.means().map(num));
                row.extend(reference.iter().cloned());
                row.push(best.0.join("; "));
                row
            })
            .collect();
        (header, rows)
    }

    /// The best converters' names and their calls' pooled tally.
    fn best_converters(&self, min_calls: u64) -> (Vec<String>, Tally) {
        let mut per_agent: BTreeMap<&str, Tally> = BTreeMap::new();
        for ((agent, _), t) in &self.groups {
            per_agent.entry(agent).or_default().merge(t);
        }
        let mut ranked: Vec<(&str, f64, &Tally)> = per_agent
            .iter()
            .filter(|(_, t)| t.conversion.n >= min_calls)
            .filter_map(|(a, t)| Some((*a, t.conversion.value()?, t)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let top = ranked.len().div_ceil(4);
        let mut pooled = Tally::default();
        let names = ranked
            .iter()
            .take(top)
            .map(|(agent, _, t)| {
                pooled.merge(t);
                agent.to_string()
            })
            .collect();
        (names, pooled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallTime, Transcript};

    fn call(agent: &str, day: &str, outcome: Outcome) -> Call {
        let mut c = Call::single_leg("x", "call", Transcript::default());
        c.agent = Some(agent.to_string());
        c.outcome = outcome;
        c.started_at = Some(CallTime::Local(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .expect("date")
                .and_hms_opt(9, 0, 0)
                .expect("time"),
        ));
        c
    }

    fn metrics(questions: u32) -> Metrics {
        Metrics {
            agent_questions: Some(questions),
            ..Metrics::default()
        }
    }

    #[test]
    fn rows_per_agent_and_month_with_interval_and_best_converter_reference() {
        let mut card = Scorecard::default();
        for i in 0..4 {
            let converted = if i < 3 {
                Outcome::Converted
            } else {
                Outcome::NotConverted
            };
            card.add(
                &call("Ann", "2025-11-03", converted),
                Some(&metrics(6)),
                None,
            );
            card.add(
                &call("Bob", "2025-11-04", Outcome::NotConverted),
                Some(&metrics(1)),
                None,
            );
        }
        card.add(&call("Bob", "2025-12-01", Outcome::Unknown), None, None);
        let (header, rows) = card.records(3);
        let col = |name: &str| header.iter().position(|h| h == name).expect(name);
        assert_eq!(rows.len(), 3, "Ann Nov, Bob Nov, Bob Dec");
        let ann = &rows[0];
        assert_eq!(
            (ann[col("agent")].as_str(), ann[col("month")].as_str()),
            ("Ann", "2025-11")
        );
        assert_eq!(ann[col("conversion")], "0.7500");
        assert!(!ann[col("conversion_ci_low")].is_empty());
        let bob_dec = &rows[2];
        assert_eq!(
            bob_dec[col("conversion")],
            "",
            "no known outcome: unknown, not 0"
        );
        assert_eq!(bob_dec[col("agent_questions")], "", "never measured");
        for row in &rows {
            assert_eq!(row[col("best_converters")], "Ann");
            assert_eq!(row[col("best_converters_agent_questions")], "6.0000");
        }
    }
}
