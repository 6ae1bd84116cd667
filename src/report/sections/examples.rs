//! Section 11: real examples with call ids — short calls that failed,
//! positive calls, high and low compliance (only when the script applies),
//! good objection handling; outcomes in the report's words.

use crate::config::outcomes::OutcomeWords;
use crate::model::Outcome;
use crate::report::document::Section;
use crate::report::format::opt_duration;
use crate::report::sections::findings::capitalise;
use crate::stats::Summary;
use crate::stats::examples::CallExample;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("examples", "Real examples");
    let e = &s.examples;
    let w = &s.words;
    let script = s.applicability.script.applies();
    let none: &[CallExample] = &[];
    let groups: [(String, &[CallExample]); 5] = [
        (
            format!("Short calls that ended {}", w.negative),
            &e.short_failures,
        ),
        (format!("{} calls", capitalise(&w.positive)), &e.successes),
        (
            "High script compliance".into(),
            if script { &e.high_compliance } else { none },
        ),
        (
            "Low script compliance".into(),
            if script { &e.low_compliance } else { none },
        ),
        (
            if script {
                "Objections handled and back to the script"
            } else {
                "Objections handled"
            }
            .into(),
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
        sec.subheading(title.as_str());
        sec.bullets(list.iter().map(|e| line(e, w, script)).collect());
    }
    sec
}

fn line(e: &CallExample, w: &OutcomeWords, script: bool) -> String {
    let mut parts = vec![format!("Call {}", e.call_id)];
    let mut facts = Vec::new();
    facts.extend(e.agent.clone());
    facts.push(opt_duration(e.duration_s));
    facts.push(match e.outcome {
        Outcome::Converted => w.positive.clone(),
        Outcome::NotConverted => w.negative.clone(),
        Outcome::Unknown => "outcome unknown".into(),
    });
    if let (Some(c), true) = (e.compliance_pct, script) {
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
