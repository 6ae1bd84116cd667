//! Appendix: every finding that survives the false-discovery-rate
//! correction, including those too small to matter and those that follow
//! from call length, so nothing computed is hidden.

use crate::report::document::Section;
use crate::report::sections::findings::{self, side_words};
use crate::stats::{Comparison, Summary, Target};

/// Which findings a group of the appendix lists.
type Keep = fn(&Comparison) -> bool;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("appendix", "Appendix: every finding");
    let found: Vec<&Comparison> = s.comparisons.iter().filter(|c| c.finding).collect();
    if found.is_empty() {
        sec.paragraph("No test survives the false-discovery-rate correction.");
        return sec;
    }
    sec.paragraph(format!(
        "{} of {} tests survive the false-discovery-rate correction. Those in the summary also show {} and do not follow from call length.",
        found.len(),
        s.comparisons.len(),
        findings::effect_bar(s)
    ));
    for target in [Target::Conversion, Target::Shortness] {
        let (yes, no) = side_words(target, &s.words);
        let groups: [(&str, Keep); 3] = [
            ("in the summary", |c| c.headline()),
            ("below the minimum effect", |c| {
                !c.practical && !c.mechanical
            }),
            ("following from call length", |c| c.mechanical),
        ];
        for (what, keep) in groups {
            let items: Vec<String> = found
                .iter()
                .filter(|c| c.target == target && keep(c))
                .map(|c| findings::sentence(c, &s.words))
                .collect();
            if !items.is_empty() {
                sec.subheading(format!("{yes} against {no} calls: {what}"));
                sec.bullets(items);
            }
        }
    }
    sec
}
