//! What the report leaves out on this data and why, one line each: script
//! compliance when the script does not apply, agent ranking on a compliance
//! score that does not relate to the outcome, sentiment contrasts whose
//! windows overlap, outcome codes no `[outcomes]` list names.

use crate::metrics::SENTIMENT_WINDOW_TURNS;
use crate::report::format::{pct, rate};
use crate::stats::Summary;
use crate::stats::applicability::{FIT_SHARE, ScriptFit};

const SCRIPT_PARTS: &str = "Script compliance, script blame and script recommendations";

/// Why script compliance is not reported, when it is not.
pub fn script_reason(s: &Summary) -> Option<String> {
    let a = &s.applicability;
    let why = match a.script {
        ScriptFit::Applies => return None,
        ScriptFit::Disabled => "`[playbook] enabled = false` says these calls follow no script".to_string(),
        ScriptFit::NoSections => "the playbook has no script sections (`[[playbook.sections]]`)".to_string(),
        ScriptFit::NotMeasured => "no call has a transcript with known agent and customer turns, so script coverage could not be measured".to_string(),
        ScriptFit::DoesNotFit => format!(
            "the playbook's script does not fit these calls: at least half of its core sections are found in only {} of calls (under {}); write a playbook for these calls (`[[playbook.sections]]`) or set `[playbook] enabled = false`",
            rate(&a.script_found),
            pct(FIT_SHARE)
        ),
    };
    Some(format!("{SCRIPT_PARTS}: left out because {why}."))
}

/// Why agents are not ranked on the compliance score, when they are not.
pub fn compliance_ranking_reason(s: &Summary) -> Option<String> {
    let a = &s.applicability;
    if !a.script.applies() || a.compliance_relates {
        return None;
    }
    let evidence = match a.compliance_auc {
        Some(auc) => format!(
            "it separates {} from {} calls no better than an AUC of {auc:.2} (0.5 is chance), short of a finding that matters",
            s.words.positive, s.words.negative
        ),
        None => format!("it could not be tested against the {} here", s.words.rate),
    };
    Some(format!(
        "Agent ranking by script compliance: left out because {evidence}."
    ))
}

fn sentiment_reason(s: &Summary) -> Option<String> {
    let o = s.applicability.sentiment_overlap;
    if o.hits == 0 {
        return None;
    }
    let scope = if o.hits == o.n {
        "left out"
    } else {
        "left out for"
    };
    Some(format!(
        "Customer sentiment at the start against the end: {scope} {} of {} calls, where the customer speaks fewer than {} turns, so the first and last {SENTIMENT_WINDOW_TURNS} turns overlap.",
        o.hits,
        o.n,
        2 * SENTIMENT_WINDOW_TURNS
    ))
}

fn outcome_reason(s: &Summary) -> Option<String> {
    let unmapped: u64 = s.applicability.unmapped_codes.iter().map(|c| c.1).sum();
    if s.totals.all.conversion.n == 0 && s.totals.calls > 0 {
        let hint = if unmapped > 0 {
            format!(
                ": {unmapped} calls carry codes no `[outcomes]` list names (listed under Outcomes with the lines to add)"
            )
        } else {
            String::new()
        };
        return Some(format!(
            "Everything about {}: left out because no call has a known outcome{hint}.",
            s.words.rate
        ));
    }
    (unmapped > 0).then(|| {
        format!(
            "{unmapped} calls with disposition codes no `[outcomes]` list names: counted as unknown outcomes (listed under Outcomes with the lines to add)."
        )
    })
}

/// Every line, in a fixed order.
pub fn lines(s: &Summary) -> Vec<String> {
    [
        outcome_reason(s),
        script_reason(s),
        compliance_ranking_reason(s),
        sentiment_reason(s),
    ]
    .into_iter()
    .flatten()
    .collect()
}
