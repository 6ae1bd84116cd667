//! Section 3: call patterns and why short calls fail — calls by length,
//! duration distribution, outcome by cohort, early-termination reasons,
//! engagement, and what separates short from long calls.

use crate::report::document::{ChartKind, Section};
use crate::report::format::{duration, examples, rate, rate_cell};
use crate::report::sections::agents::{group_headers, group_row};
use crate::report::sections::findings;
use crate::stats::{Dimension, GroupStats, Summary, Target};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("patterns", "Call patterns: why short calls fail");
    let lengths = s.groups(&Dimension::Length);
    if lengths.is_empty() {
        sec.paragraph("No calls, so no call patterns.");
        return sec;
    }
    let all = &s.totals.all;
    sec.paragraph(format!(
        "A call is short under {}. Short calls are {} of analysed calls with a known duration; {} calls have no known duration.",
        duration(s.threshold_s),
        rate(&all.short),
        s.totals.duration_unknown
    ));
    sec.table(
        &group_headers("Length"),
        lengths.iter().map(group_row).collect(),
    );
    let h = &s.duration_histogram;
    if h.total() > 0 {
        let bins = h
            .bins
            .iter()
            .map(|b| {
                let label = match b.to_s {
                    Some(to) => format!("{:.0}–{:.0} s", b.from_s, to),
                    None => format!("≥ {:.0} s", b.from_s),
                };
                (label, b.calls)
            })
            .collect();
        let split = h
            .bins
            .iter()
            .take_while(|b| b.from_s < h.threshold_s)
            .count();
        sec.chart(
            &format!("Call duration (split at {})", duration(h.threshold_s)),
            ChartKind::Histogram { bins, split },
        );
    }
    sec.chart("Outcome by call length", outcome_by_cohort(lengths));
    sec.paragraph(findings::tally(s, Target::Shortness));
    sec.bullets(findings::bullets(s, Target::Shortness, 8));
    reasons_table(&mut sec, s.groups(&Dimension::EarlyTermination));
    engagement_table(&mut sec, s.groups(&Dimension::Engagement));
    sec
}

/// Stacked outcome counts per cohort.
pub fn outcome_by_cohort(groups: &[GroupStats]) -> ChartKind {
    ChartKind::Stacked {
        legend: vec!["converted".into(), "not converted".into(), "unknown".into()],
        rows: groups
            .iter()
            .map(|g| {
                let c = g.conversion;
                (g.key.clone(), vec![c.hits, c.n - c.hits, g.calls - c.n])
            })
            .collect(),
    }
}

fn reasons_table(sec: &mut Section, reasons: &[GroupStats]) {
    sec.subheading("Early-termination reasons");
    if reasons.is_empty() {
        sec.paragraph("The analyzer named no early-termination reason.");
        return;
    }
    let top = &reasons[0];
    sec.paragraph(format!(
        "The most frequent reason is {} ({} calls, {}).",
        top.key,
        top.calls,
        examples(&top.short_examples)
    ));
    sec.table(
        &["Reason", "Calls", "Conversion", "Examples"],
        reasons
            .iter()
            .map(|g| {
                let ids: Vec<String> = g
                    .lost_examples
                    .iter()
                    .chain(&g.converted_examples)
                    .take(3)
                    .cloned()
                    .collect();
                vec![
                    g.key.clone(),
                    g.calls.to_string(),
                    rate_cell(&g.conversion),
                    ids.join(", "),
                ]
            })
            .collect(),
    );
}

fn engagement_table(sec: &mut Section, levels: &[GroupStats]) {
    if levels.is_empty() {
        return;
    }
    sec.subheading("Customer engagement");
    sec.table(
        &group_headers("Engagement"),
        levels.iter().map(group_row).collect(),
    );
}
