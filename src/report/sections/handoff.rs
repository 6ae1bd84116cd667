//! Section 5: opener vs closer handoff on two-leg calls — conversion by number
//! of legs and by opener agent, opener quality, named issues and strengths.

use crate::report::document::Section;
use crate::report::format::{examples, rate};
use crate::report::sections::agents::{GroupColumns, standouts};
use crate::stats::handoff::Mention;
use crate::stats::{Dimension, GroupStats, Rate, Summary, TWO_LEGS};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("handoff", "Opener vs closer handoff");
    let legs = s.groups(&Dimension::Legs);
    let Some(two_legs) = legs.iter().find(|g| g.key == TWO_LEGS) else {
        sec.paragraph("No two-leg (opener + closer) calls in this input.");
        return sec;
    };
    let openers = s.groups(&Dimension::Opener);
    sec.paragraph(format!(
        "{} calls have an opener leg, by {} named opener agents; {}: {}.",
        two_legs.calls,
        openers.len(),
        s.words.rate,
        rate(&two_legs.conversion)
    ));
    let cols = GroupColumns::of(s);
    sec.table(
        &cols.headers("Legs"),
        legs.iter().map(|g| cols.row(g)).collect(),
    );
    if openers.is_empty() {
        sec.paragraph("No opener leg names its agent, so openers cannot be compared.");
    } else {
        opener_table(&mut sec, openers, s);
    }
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

fn opener_table(sec: &mut Section, openers: &[GroupStats], s: &Summary) {
    sec.subheading("By opener agent");
    let mut total = Rate::default();
    openers.iter().for_each(|g| total.add(g.conversion));
    for line in standouts(openers, total, &s.words) {
        sec.paragraph(line);
    }
    let cols = GroupColumns::of(s);
    sec.table(
        &cols.headers("Opener"),
        openers.iter().map(|g| cols.row(g)).collect(),
    );
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
