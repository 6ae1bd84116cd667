//! Section 11: real examples with call ids — short calls that failed,
//! converted calls, high and low compliance, good objection handling.

use crate::report::document::Section;
use crate::report::format::opt_duration;
use crate::stats::Summary;
use crate::stats::examples::CallExample;
use crate::stats::label::label;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("examples", "Real examples");
    let e = &s.examples;
    let groups: [(&str, &[CallExample]); 5] = [
        ("Short calls that did not convert", &e.short_failures),
        ("Converted calls", &e.successes),
        ("High script compliance", &e.high_compliance),
        ("Low script compliance", &e.low_compliance),
        (
            "Objections handled and back to the script",
            &e.objection_handling,
        ),
    ];
    if groups.iter().all(|(_, list)| list.is_empty()) {
        sec.paragraph("No analysed call carries a quote to show as an example.");
        return sec;
    }
    for (title, list) in groups {
        if list.is_empty() {
            continue;
        }
        sec.subheading(title);
        sec.bullets(list.iter().map(line).collect());
    }
    sec
}

fn line(e: &CallExample) -> String {
    let mut parts = vec![format!("Call {}", e.call_id)];
    let mut facts = Vec::new();
    facts.extend(e.agent.clone());
    facts.push(opt_duration(e.duration_s));
    facts.push(label(&e.outcome));
    if let Some(c) = e.compliance_pct {
        facts.push(format!("compliance {c:.0}%"));
    }
    parts[0].push_str(&format!(" ({})", facts.join(", ")));
    if let Some(q) = &e.quote {
        parts.push(format!("“{}”", q.text));
    }
    if let Some(r) = &e.reply {
        parts.push(format!("agent: “{}”", r.text));
    }
    if !e.reasons.is_empty() {
        parts.push(e.reasons.join("; "));
    }
    parts.extend(e.note.clone());
    parts.join(" — ")
}
