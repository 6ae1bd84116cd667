//! The wide CSV's columns: one per scalar field of the call, its metrics and
//! its analysis, in a fixed order; then one per pass-through attribute.

use chrono::NaiveDate;

use crate::analyze::Insight;
use crate::analyze::insight::RebuttalQuality;
use crate::model::{Call, CallTime, Transcript};
use crate::store::StoredRow;

use super::neutralise_formula;

/// A cell before formatting: numbers are written as numbers, text is
/// neutralised against formula injection, unknown is an empty cell (CSV)
/// or a null (Parquet). The variant is the column's type.
pub enum Cell {
    Num(Option<f64>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
    /// A start time: RFC 3339 in CSV, a timestamp in Parquet.
    Time(Option<CallTime>),
    Date(Option<NaiveDate>),
}

impl Cell {
    pub fn render(self) -> String {
        match self {
            Cell::Num(v) => v.map(|v| format!("{v}")).unwrap_or_default(),
            Cell::Int(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Bool(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Text(v) => v.as_deref().map(neutralise_formula).unwrap_or_default(),
            Cell::Time(v) => v.map(|t| t.to_rfc3339()).unwrap_or_default(),
            Cell::Date(v) => v.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

type Column = (&'static str, fn(&StoredRow) -> Cell);

fn text(s: Option<&str>) -> Cell {
    Cell::Text(s.map(str::to_string))
}
fn count(n: Option<usize>) -> Cell {
    Cell::Int(n.map(|n| n as i64))
}
fn insight(row: &StoredRow) -> Option<&Insight> {
    row.analysis.as_ref()?.insight.as_ref()
}
fn metric<T>(row: &StoredRow, f: impl Fn(&crate::metrics::Metrics) -> Option<T>) -> Option<T> {
    row.metrics.as_ref().and_then(f)
}
fn u(n: Option<u32>) -> Cell {
    Cell::Int(n.map(i64::from))
}

const COLUMNS: &[Column] = &[
    ("call_id", |r| text(Some(&r.call.id))),
    ("started_at", |r| Cell::Time(r.call.started_at)),
    ("date", |r| Cell::Date(r.call.started_at.map(|t| t.date()))),
    ("agent", |r| text(r.call.agent.as_deref())),
    ("team", |r| text(r.call.team.as_deref())),
    ("duration_s", |r| Cell::Num(r.call.duration_s)),
    ("disposition", |r| text(r.call.disposition.as_deref())),
    ("outcome", |r| text(Some(r.call.outcome.as_str()))),
    ("length_class", |r| {
        text(r.metrics.as_ref().map(|m| m.length_class.as_str()))
    }),
    ("legs", |r| count(Some(r.call.legs.len()))),
    ("opener_agent", |r| {
        text(r.call.opener_leg().and_then(|l| l.agent.as_deref()))
    }),
    ("opener_duration_s", |r| {
        Cell::Num(r.call.opener_leg().and_then(|l| l.duration_s))
    }),
    ("turns", |r| u(metric(r, |m| m.turns))),
    ("agent_words", |r| u(metric(r, |m| m.agent_words))),
    ("customer_words", |r| u(metric(r, |m| m.customer_words))),
    ("agent_talk_share_words", |r| {
        Cell::Num(metric(r, |m| m.agent_talk_share_words))
    }),
    ("agent_talk_share_time", |r| {
        Cell::Num(metric(r, |m| m.agent_talk_share_time))
    }),
    ("agent_questions", |r| u(metric(r, |m| m.agent_questions))),
    ("customer_questions", |r| {
        u(metric(r, |m| m.customer_questions))
    }),
    ("longest_monologue_words", |r| {
        u(metric(r, |m| m.longest_monologue_words))
    }),
    ("longest_monologue_s", |r| {
        Cell::Num(metric(r, |m| m.longest_monologue_s))
    }),
    ("interruptions", |r| u(metric(r, |m| m.interruptions))),
    ("time_to_purpose_s", |r| {
        Cell::Num(metric(r, |m| m.time_to_purpose_s))
    }),
    ("objections_found", |r| {
        count(r.metrics.as_ref().map(|m| m.objections.len()))
    }),
    ("buying_signals_found", |r| {
        count(r.metrics.as_ref().map(|m| m.buying_signals.len()))
    }),
    ("customer_sentiment_start", |r| {
        Cell::Num(metric(r, |m| m.customer_sentiment_start))
    }),
    ("customer_sentiment_end", |r| {
        Cell::Num(metric(r, |m| m.customer_sentiment_end))
    }),
    ("analyzer", |r| {
        text(r.analysis.as_ref().map(|a| a.provenance.analyzer.as_str()))
    }),
    ("analysis_ok", |r| {
        Cell::Bool(r.analysis.as_ref().map(|a| a.insight.is_some()))
    }),
    ("analysis_error", |r| {
        text(
            r.analysis
                .as_ref()
                .and_then(|a| a.provenance.error.as_deref()),
        )
    }),
    ("engagement", |r| {
        text(
            insight(r)
                .and_then(|i| i.engagement)
                .map(|e| enum_name(&e))
                .as_deref(),
        )
    }),
    ("sentiment_start", |r| {
        text(
            insight(r)
                .and_then(|i| i.sentiment_start)
                .map(|e| enum_name(&e))
                .as_deref(),
        )
    }),
    ("sentiment_end", |r| {
        text(
            insight(r)
                .and_then(|i| i.sentiment_end)
                .map(|e| enum_name(&e))
                .as_deref(),
        )
    }),
    ("agent_rating", |r| {
        Cell::Int(insight(r).and_then(|i| i.agent_rating).map(i64::from))
    }),
    ("opener_quality", |r| {
        Cell::Int(insight(r).and_then(|i| i.opener_quality).map(i64::from))
    }),
    ("early_termination", |r| {
        text(insight(r).and_then(|i| i.early_termination.as_deref()))
    }),
    ("compliance_pct", |r| {
        Cell::Num(
            insight(r)
                .and_then(|i| i.script.as_ref())
                .map(|s| s.overall_pct),
        )
    }),
    ("compliance_tier", |r| {
        text(
            insight(r)
                .and_then(|i| i.script.as_ref())
                .map(|s| enum_name(&s.tier()))
                .as_deref(),
        )
    }),
    ("sections_attempted", |r| {
        count(
            insight(r)
                .and_then(|i| i.script.as_ref())
                .map(|s| s.sections_attempted()),
        )
    }),
    ("followed_sequence", |r| {
        Cell::Bool(
            insight(r)
                .and_then(|i| i.script.as_ref())
                .map(|s| s.followed_sequence),
        )
    }),
    ("non_compliance_reason", |r| {
        text(
            insight(r)
                .and_then(|i| i.script.as_ref()?.non_compliance.as_ref())
                .map(|n| enum_name(&n.reason))
                .as_deref(),
        )
    }),
    ("objections", |r| {
        count(insight(r).map(|i| i.objections.len()))
    }),
    ("objections_rebutted", |r| {
        count(insight(r).map(|i| i.objections.iter().filter(|o| o.rebuttal_attempted).count()))
    }),
    ("objections_good_rebuttal", |r| {
        count(insight(r).map(|i| {
            i.objections
                .iter()
                .filter(|o| o.rebuttal_quality >= RebuttalQuality::Good)
                .count()
        }))
    }),
    ("objections_returned_to_script", |r| {
        count(insight(r).map(|i| i.objections.iter().filter(|o| o.returned_to_script).count()))
    }),
    ("critical_moment", |r| {
        text(
            insight(r)
                .and_then(|i| i.critical_moment.as_ref())
                .map(|q| q.text.as_str()),
        )
    }),
    ("tokens_in", |r| {
        Cell::Int(
            r.analysis
                .as_ref()
                .and_then(|a| a.provenance.tokens_in)
                .map(|t| t as i64),
        )
    }),
    ("tokens_out", |r| {
        Cell::Int(
            r.analysis
                .as_ref()
                .and_then(|a| a.provenance.tokens_out)
                .map(|t| t as i64),
        )
    }),
    ("cost_usd", |r| {
        Cell::Num(r.analysis.as_ref().and_then(|a| a.provenance.cost_usd))
    }),
];

/// The serde name of a unit enum variant (`snake_case`).
fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub fn header(attributes: &[String]) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|(name, _)| name.to_string())
        .chain(
            attributes
                .iter()
                .map(|a| format!("attr:{}", neutralise_formula(a))),
        )
        .collect()
}

pub fn record(row: &StoredRow, attributes: &[String]) -> Vec<String> {
    cells(row, attributes)
        .into_iter()
        .map(Cell::render)
        .collect()
}

/// One row's typed cells: the fixed columns, then one text cell per attribute.
pub fn cells(row: &StoredRow, attributes: &[String]) -> Vec<Cell> {
    COLUMNS
        .iter()
        .map(|(_, cell)| cell(row))
        .chain(
            attributes
                .iter()
                .map(|a| text(row.call.attributes.get(a).map(String::as_str))),
        )
        .collect()
}

/// Every column's name and type (its cell with nothing known).
pub fn schema(attributes: &[String]) -> Vec<(String, Cell)> {
    let probe = StoredRow {
        seq: 0,
        call: Call::single_leg("", "call", Transcript::default()),
        metrics: None,
        analysis: None,
    };
    header(attributes)
        .into_iter()
        .zip(cells(&probe, attributes))
        .collect()
}
