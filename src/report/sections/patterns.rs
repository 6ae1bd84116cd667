//! Section 3: call patterns and why short calls fail — calls by length,
//! duration distribution, outcome by cohort, early-termination reasons,
//! engagement, and what separates short from long calls.

use crate::config::outcomes::OutcomeWords;
use crate::report::document::{ChartKind, Section};
use crate::report::format::{duration, examples, rate, rate_cell};
use crate::report::sections::agents::GroupColumns;
use crate::report::sections::findings::{self, capitalise};
use crate::stats::{Dimension, GroupStats, Summary, Target};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("patterns", "Call patterns: why short calls fail");
    let lengths = s.groups(&Dimension::Length);
    if lengths.is_empty() {
        sec.paragraph("No calls, so no call patterns.");
        return sec;
    }
    let all = &s.totals.all;
    if all.short.n == 0 {
        sec.paragraph(format!(
            "No analysed call has a known duration, so short (under {}) and long calls cannot be compared.",
            duration(s.threshold_s)
        ));
    } else {
        sec.paragraph(format!(
            "A call is short under {}. Short calls are {} of analysed calls with a known duration; {} calls have no known duration.",
            duration(s.threshold_s),
            rate(&all.short),
            s.totals.duration_unknown
        ));
    }
    let cols = GroupColumns::of(s);
    sec.table(
        &cols.headers("Length"),
        lengths.iter().map(|g| cols.row(g)).collect(),
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
    sec.chart(
        "Outcome by call length",
        outcome_by_cohort(lengths, &s.words),
    );
    sec.paragraph(findings::tally(s, Target::Shortness));
    sec.bullets(findings::bullets(s, Target::Shortness, 15));
    reasons_table(&mut sec, s.groups(&Dimension::EarlyTermination), &s.words);
    if s.applicability.script.applies() {
        cohort_table(
            &mut sec,
            ("Purpose of the call stated", "Purpose"),
            s.groups(&Dimension::PurposeStated),
            &cols,
        );
    }
    cohort_table(
        &mut sec,
        ("Customer engagement", "Engagement"),
        s.groups(&Dimension::Engagement),
        &cols,
    );
    sec
}

/// Stacked outcome counts per cohort.
pub fn outcome_by_cohort(groups: &[GroupStats], w: &OutcomeWords) -> ChartKind {
    ChartKind::Stacked {
        legend: vec![w.positive.clone(), w.negative.clone(), "unknown".into()],
        rows: groups
            .iter()
            .map(|g| {
                let c = g.conversion;
                (g.key.clone(), vec![c.hits, c.n - c.hits, g.calls - c.n])
            })
            .collect(),
    }
}

fn reasons_table(sec: &mut Section, reasons: &[GroupStats], w: &OutcomeWords) {
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
        &["Reason", "Calls", &capitalise(&w.rate), "Examples"],
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

/// A small grouping shown with the standard group columns, when it has data.
fn cohort_table(
    sec: &mut Section,
    (title, column): (&str, &str),
    groups: &[GroupStats],
    cols: &GroupColumns,
) {
    if groups.is_empty() {
        return;
    }
    sec.subheading(title);
    sec.table(
        &cols.headers(column),
        groups.iter().map(|g| cols.row(g)).collect(),
    );
}
