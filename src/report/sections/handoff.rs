//! Section 5: opener vs closer handoff on two-leg calls — conversion by number
//! of legs and by opener agent, opener quality, named issues and strengths.

use crate::report::document::Section;
use crate::report::format::examples;
use crate::report::sections::agents::{group_headers, group_row};
use crate::stats::handoff::Mention;
use crate::stats::{Dimension, Summary};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("handoff", "Opener vs closer handoff");
    let openers = s.groups(&Dimension::Opener);
    if openers.is_empty() {
        sec.paragraph("No two-leg (opener + closer) calls in this input.");
        return sec;
    }
    let legs = s.groups(&Dimension::Legs);
    sec.paragraph(format!(
        "{} calls have an opener leg, by {} opener agents.",
        openers.iter().map(|g| g.calls).sum::<u64>(),
        openers.len()
    ));
    sec.table(&group_headers("Legs"), legs.iter().map(group_row).collect());
    sec.subheading("By opener agent");
    sec.table(
        &group_headers("Opener"),
        openers.iter().map(group_row).collect(),
    );
    let h = &s.handoff;
    if let Some(q) = h.mean_opener_quality {
        sec.paragraph(format!(
            "The analyzer rated the opener's handoff {q:.1}/10 on average over {} of {} analysed two-leg calls.",
            h.rated_calls, h.two_leg_calls
        ));
    }
    mentions(&mut sec, "Opener issues named most often", &h.top_issues);
    mentions(
        &mut sec,
        "Opener strengths named most often",
        &h.top_strengths,
    );
    sec
}

fn mentions(sec: &mut Section, title: &str, items: &[Mention]) {
    if items.is_empty() {
        return;
    }
    sec.subheading(title);
    sec.bullets(
        items
            .iter()
            .map(|m| format!("{} — {} calls ({})", m.text, m.calls, examples(&m.examples)))
            .collect(),
    );
}
