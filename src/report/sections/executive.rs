//! Section 1: executive summary — volume, the outcome rate and the
//! short-call rate, the findings that matter and the agents furthest from
//! the rest, and what the report leaves out on this data and why.

use crate::report::document::Section;
use crate::report::format::{duration, rate};
use crate::report::sections::{agents::standout_sentences, findings, omitted};
use crate::stats::{Summary, Target};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("summary", "Executive summary");
    let t = &s.totals;
    if t.calls == 0 {
        sec.paragraph("The input holds no calls, so there is nothing to report.");
        return sec;
    }
    let period = match (t.first_day, t.last_day) {
        (Some(a), Some(b)) if a == b => format!(" on {a}"),
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        _ => String::new(),
    };
    sec.paragraph(format!(
        "{} calls{period}: {} analysed, {} failed analysis and {} not analysed (failed and unanalysed calls are counted apart, never as short or long).",
        t.calls, t.analysed, t.failed, t.not_analysed
    ));
    if t.inconsistent.calls > 0 {
        // Subheading and bullets, not a paragraph: an LLM-written narrative
        // replaces paragraphs, and it must not be able to hide this.
        sec.subheading(format!(
            "{} LLM answers contradict the measured calls: flagged, treat their scores with care",
            t.inconsistent.calls
        ));
        sec.bullets(
            t.inconsistent
                .examples
                .iter()
                .map(|(id, reasons)| format!("call {id}: {}", reasons.join("; ")))
                .collect(),
        );
    }
    let all = &t.all;
    if all.conversion.n > 0 {
        sec.paragraph(format!(
            "{}: {} over the calls with a known outcome ({} with an unknown outcome left out).",
            findings::capitalise(&s.words.rate),
            rate(&all.conversion),
            t.outcome_unknown
        ));
    }
    if all.short.n > 0 {
        sec.paragraph(format!(
            "Short calls (under {}): {} of analysed calls with a known duration.",
            duration(s.threshold_s),
            rate(&all.short)
        ));
    }
    if all.conversion.n > 0 {
        sec.paragraph(findings::tally(s, Target::Conversion));
        sec.bullets(findings::bullets(s, Target::Conversion, 3));
        sec.bullets(standout_sentences(s));
    }
    let c = &s.compliance;
    if c.assessed_calls > 0 && s.applicability.script.applies() {
        sec.paragraph(format!(
            "Script followed on {} of assessed calls; objections rebutted {}; back to the script after {} of objections.",
            rate(&c.followed),
            rate(&c.rebutted.rate),
            rate(&c.returned_to_script.rate)
        ));
    }
    let short_findings = findings::bullets(s, Target::Shortness, 2);
    if !short_findings.is_empty() {
        sec.subheading("Short against long calls");
        sec.bullets(short_findings);
    }
    let left_out = omitted::lines(s);
    if !left_out.is_empty() {
        // A subheading, so an LLM narrative cannot drop it.
        sec.subheading("Not reported on this data, and why");
        sec.bullets(left_out);
    }
    sec
}
