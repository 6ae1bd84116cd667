//! The report's sections, each built from the `Summary` by rules, in the
//! original report's order.

mod agents;
mod appendix;
mod coaching;
mod compliance;
mod daily;
mod drivers;
mod examples;
mod executive;
mod findings;
mod handoff;
mod lead_quality;
mod method;
mod objections;
mod omitted;
mod outcomes;
mod patterns;
mod recommendations;

use crate::report::document::Section;
use crate::stats::Summary;
pub use findings::capitalise;

/// Every section, in order; the per-agent coaching sections last.
pub fn all(s: &Summary) -> Vec<Section> {
    let mut sections = vec![
        executive::build(s),
        agents::build(s),
        patterns::build(s),
        lead_quality::build(s),
        handoff::build(s),
        daily::build(s),
        outcomes::build(s),
        compliance::build(s),
        objections::build(s),
        recommendations::build(s),
        examples::build(s),
        drivers::build(s),
        appendix::build(s),
        method::build(s),
    ];
    sections.extend(coaching::build_all(s));
    sections
}
