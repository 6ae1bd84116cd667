//! Section 4: lead quality — conversion by each lead attribute's values,
//! when the input has such columns.

use crate::report::document::Section;
use crate::report::format::{q_value, rate_cell};
use crate::report::sections::findings;
use crate::stats::{ComparisonDetail, Dimension, Summary, Target};

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("lead-quality", "Lead quality");
    let attrs: Vec<_> = s.lead_attributes().collect();
    if attrs.is_empty() {
        let dropped = if s.dropped_lead_attributes.is_empty() {
            String::new()
        } else {
            format!(
                " ({} have too many distinct values to compare)",
                s.dropped_lead_attributes.join(", ")
            )
        };
        sec.paragraph(format!(
            "No usable lead-quality data (LQ_* or lead_* columns, Calls Count, Connection Made Calls, dial_attempts) in this input{dropped}."
        ));
        return sec;
    }
    for g in attrs {
        sec.subheading(g.dimension.label());
        sec.paragraph(verdict(s, &g.dimension));
        sec.table(
            &["Value", "Calls", &findings::capitalise(&s.words.rate)],
            g.groups
                .iter()
                .map(|b| vec![b.key.clone(), b.calls.to_string(), rate_cell(&b.conversion)])
                .collect(),
        );
    }
    if !s.dropped_lead_attributes.is_empty() {
        sec.paragraph(format!(
            "Not compared (too many distinct values): {}.",
            s.dropped_lead_attributes.join(", ")
        ));
    }
    sec
}

fn verdict(s: &Summary, dimension: &Dimension) -> String {
    let test = s.comparisons.iter().find(|c| {
        c.target == Target::Conversion
            && matches!(&c.detail, ComparisonDetail::Categorical(k) if &k.dimension == dimension)
    });
    match test {
        Some(c) if c.finding => findings::sentence(c, &s.words),
        Some(c) => format!(
            "{} does not differ clearly across its values (chi-square {}).",
            findings::capitalise(&s.words.rate),
            q_value(c.q)
        ),
        None => format!(
            "Too few calls per value to test {} across them.",
            s.words.rate
        ),
    }
}
