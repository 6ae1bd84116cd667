//! "Who is speaking": how many calls have their speakers' roles known with
//! confidence, by transcript shape, and what is left out for the rest.

use crate::report::document::Section;
use crate::stats::Summary;
use crate::transcript::MIN_ATTRIBUTED_SHARE;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("speakers", "Who is speaking");
    let roles = &s.handoff.roles;
    let total: u64 = roles.iter().map(|r| r.calls).sum();
    let known: u64 = roles.iter().map(|r| r.roles_known).sum();
    if total == 0 {
        sec.paragraph("No analysed calls.");
        return sec;
    }
    sec.paragraph(format!(
        "Speaker roles are known with confidence in {known} of {total} calls. The other {} \
         are counted apart: they are left out of talk share, questions, objections by side and \
         script compliance (unknown, not 0). A call's roles are known when the agent is \
         identified and at least {:.0}% of its words have a role of probability 0.8 or more.",
        total - known,
        MIN_ATTRIBUTED_SHARE * 100.0
    ));
    let rows = roles
        .iter()
        .map(|r| {
            vec![
                r.shape.as_str().replace('_', " "),
                r.calls.to_string(),
                r.roles_known.to_string(),
                (r.calls - r.roles_known).to_string(),
            ]
        })
        .collect();
    sec.table(
        &["Closer transcript", "Calls", "Roles known", "Roles unknown"],
        rows,
    );
    sec
}
