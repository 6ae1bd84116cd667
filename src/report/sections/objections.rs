//! Section 9: objections — the most raised types with rebuttal and
//! return-to-script rates, a chart, and verbatim rebuttal examples.

use crate::report::document::{ChartKind, RateBar, Section};
use crate::report::format::{rate, rate_cell};
use crate::stats::Summary;
use crate::stats::compliance::RebuttalExample;
use crate::stats::label::label;

/// Objection types shown.
const TOP_TYPES: usize = 6;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("objections", "Objections and rebuttals");
    let types = &s.compliance.objections;
    if types.is_empty() {
        sec.paragraph("No objection was found in any analysed call.");
        return sec;
    }
    let top = &types[0];
    sec.paragraph(format!(
        "{} objections of {} types; the most frequent is {} (raised {} times, rebutted {}).",
        s.compliance.rebutted.rate.n,
        types.len(),
        top.name,
        top.raised,
        rate(&top.rebutted)
    ));
    let shown = &types[..types.len().min(TOP_TYPES)];
    sec.table(
        &["Objection", "Raised", "Rebutted", "Returned to script"],
        shown
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.raised.to_string(),
                    rate_cell(&t.rebutted),
                    rate_cell(&t.returned_to_script),
                ]
            })
            .collect(),
    );
    sec.chart(
        "Rebuttal rate of the most frequent objections (95% CI)",
        ChartKind::RateBars(
            shown
                .iter()
                .map(|t| RateBar {
                    label: t.name.clone(),
                    value: t.rebutted.value().unwrap_or(0.0),
                    interval: t.rebutted.wilson().map(|ci| (ci.low, ci.high)),
                    note: format!("{}/{}", t.rebutted.hits, t.rebutted.n),
                })
                .collect(),
        ),
    );
    for t in shown.iter().filter(|t| !t.examples.is_empty()) {
        sec.subheading(format!("{}: rebuttal examples", t.name));
        sec.bullets(t.examples.iter().map(example).collect());
    }
    sec
}

fn example(e: &RebuttalExample) -> String {
    format!(
        "Call {}{}: customer “{}” — agent “{}” (quality {}, AVQ {}, returned to script {})",
        e.call_id,
        e.agent
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default(),
        e.customer_quote.text,
        e.agent_rebuttal.text,
        label(&e.quality),
        yes_no(e.followed_avq),
        yes_no(e.returned_to_script)
    )
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
