//! Section 7: outcomes — the outcome split and calls per disposition code.

use crate::report::document::Section;
use crate::report::format::{examples, opt_duration, pct, rate_cell};
use crate::report::sections::findings::capitalise;
use crate::report::sections::patterns::outcome_by_cohort;
use crate::stats::{Dimension, Summary};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("outcomes", "Outcomes");
    let all = &s.totals.all;
    if all.calls == 0 {
        sec.paragraph("No calls, so no outcomes.");
        return sec;
    }
    let c = all.conversion;
    sec.paragraph(format!(
        "{} {}, {} {}, {} with an unknown outcome.",
        c.hits,
        s.words.positive,
        c.n - c.hits,
        s.words.negative,
        s.totals.outcome_unknown
    ));
    unmapped(&mut sec, s);
    let dispositions = s.groups(&Dimension::Disposition);
    if dispositions.is_empty() {
        sec.paragraph("No call carries a disposition code.");
        return sec;
    }
    let top = &dispositions[0];
    let ids: Vec<String> = top
        .converted_examples
        .iter()
        .chain(&top.lost_examples)
        .take(3)
        .cloned()
        .collect();
    sec.paragraph(format!(
        "The most frequent disposition is {} with {} calls ({} of all; {}).",
        top.key,
        top.calls,
        pct(top.calls as f64 / all.calls as f64),
        examples(&ids)
    ));
    sec.table(
        &[
            "Disposition",
            "Calls",
            "Share",
            &capitalise(&s.words.positive),
            "Short calls",
            "Median duration",
        ],
        dispositions
            .iter()
            .map(|d| {
                vec![
                    d.key.clone(),
                    d.calls.to_string(),
                    pct(d.calls as f64 / all.calls as f64),
                    rate_cell(&d.conversion),
                    rate_cell(&d.short),
                    opt_duration(d.median_duration_s),
                ]
            })
            .collect(),
    );
    sec.chart(
        "Outcome by disposition",
        outcome_by_cohort(dispositions, &s.words),
    );
    sec
}

/// Codes no `[outcomes]` list names, with their counts and the lines that map
/// them.
fn unmapped(sec: &mut Section, s: &Summary) {
    let codes = &s.applicability.unmapped_codes;
    if codes.is_empty() {
        return;
    }
    let total: u64 = codes.iter().map(|c| c.1).sum();
    sec.subheading(format!(
        "{total} calls carry disposition codes that no [outcomes] list names, so their outcome is unknown"
    ));
    sec.table(
        &["Code", "Calls"],
        codes
            .iter()
            .map(|(code, n)| vec![code.clone(), n.to_string()])
            .collect(),
    );
    let list = codes
        .iter()
        .filter(|(code, _)| code != "(other codes)")
        .map(|(code, _)| format!("{code:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    sec.paragraph(
        "To count them, add them to callscope.toml, keeping in each list only the codes that belong there:",
    );
    sec.code(format!(
        "[outcomes]\nconverted = [{list}]\nnot_converted = [{list}]\nunknown = [{list}]\n"
    ));
}
