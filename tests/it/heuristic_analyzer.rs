//! The heuristic analyzer on crafted calls: unhandled objections, AVQ
//! rebuttals, early-termination reasons, script compliance, and grounding of
//! every quote it cites.

use std::path::PathBuf;

use callscope::analyze::detect::builtin;
use callscope::analyze::grounding::ground;
use callscope::analyze::heuristic::{self, HEURISTIC_KEY};
use callscope::analyze::insight::{
    ComplianceTier, EngagementLevel, Insight, NonComplianceReason, Quote, RebuttalQuality,
    Sentiment,
};
use callscope::config::{Playbook, SpeakerMap};
use callscope::metrics::{self, PhraseBook};
use callscope::model::{Call, Leg, Outcome, Transcript};
use callscope::transcript::parse_text;

fn call(raw: &str, duration_s: f64, outcome: Outcome) -> Call {
    Call {
        id: "call-1".into(),
        started_at: None,
        agent: Some("dana".into()),
        team: None,
        duration_s: Some(duration_s),
        disposition: None,
        outcome,
        legs: vec![Leg {
            name: "closer".into(),
            agent: Some("dana".into()),
            duration_s: Some(duration_s),
            transcript: Transcript {
                raw: raw.to_string(),
                turns: parse_text(raw, &SpeakerMap::default()),
                rows: Vec::new(),
            },
        }],
        attributes: Default::default(),
    }
}

fn analyze_with(call: &Call, playbook: &Playbook) -> Insight {
    let phrases = PhraseBook::new(playbook).expect("phrase book");
    let m = metrics::compute(call, playbook, &phrases, 300.0);
    let tags = builtin().tag_call(call);
    let mut insight = heuristic::analyze(call, &m, &tags, playbook, &phrases, 300.0);
    ground(&mut insight, call);
    insight
}

fn analyze(raw: &str, duration_s: f64, outcome: Outcome) -> Insight {
    analyze_with(&call(raw, duration_s, outcome), &Playbook::generic())
}

const UNHANDLED: &str = "Agent: Hi, my name is Dana calling from Acme. The reason I'm calling is we help plumbers get more customers.\n\
Customer: Honestly, it's too expensive for us.\n\
Agent: Okay.\n\
Customer: Bye.";

#[test]
fn short_call_ending_on_an_unhandled_objection() {
    let insight = analyze(UNHANDLED, 40.0, Outcome::NotConverted);
    assert_eq!(
        insight.early_termination.as_deref(),
        Some("unhandled_objection")
    );
    let objection = &insight.objections[0];
    assert_eq!(objection.kind, "price");
    assert_eq!(
        objection.customer_quote.text,
        "Honestly, it's too expensive for us."
    );
    assert!(!objection.rebuttal_attempted);
    assert_eq!(objection.rebuttal_quality, RebuttalQuality::Poor);
    assert_eq!(objection.agent_rebuttal, None);
    assert_eq!(
        insight.proof_of_issue.as_ref().map(|q| q.text.as_str()),
        Some("Honestly, it's too expensive for us.")
    );
    let script = insight.script.expect("roles known");
    let nc = script.non_compliance.expect("script not followed");
    assert_eq!(nc.reason, NonComplianceReason::CustomerObjectionInterrupted);
    assert_eq!(insight.engagement, Some(EngagementLevel::Low));
    assert_eq!(insight.sentiment_start, Some(Sentiment::Negative));
}

#[test]
fn objection_with_no_agent_reply_has_no_rebuttal() {
    let insight = analyze(
        "Agent: Hello, calling from Acme.\nCustomer: We can't afford it right now.",
        20.0,
        Outcome::NotConverted,
    );
    assert_eq!(
        insight.objections[0].rebuttal_quality,
        RebuttalQuality::None
    );
    assert_eq!(
        insight.early_termination.as_deref(),
        Some("unhandled_objection")
    );
}

#[test]
fn avq_rebuttal_is_detected_and_the_return_to_script() {
    let raw = "Agent: Hi, my name is Dana calling from Acme.\n\
Customer: Honestly it's too expensive for us.\n\
Agent: I understand, budget matters. Most of our clients find it pays for itself. How many jobs do you do a week?\n\
Customer: Maybe twenty.";
    let insight = analyze(raw, 200.0, Outcome::NotConverted);
    let o = &insight.objections[0];
    assert!(o.rebuttal_attempted && o.followed_avq);
    assert_eq!(o.rebuttal_quality, RebuttalQuality::Excellent);
    assert_eq!(o.section_returned_to.as_deref(), Some("discovery"));
    assert!(o.returned_to_script);
    assert_eq!(o.agent_rebuttal.as_ref().and_then(|q| q.turn), Some(2));
}

#[test]
fn pushing_the_pitch_on_is_not_a_rebuttal() {
    let raw = "Agent: Hi, this is Dana with Acme. We help roofers get more customers.\n\
Customer: I'm not interested.\n\
Agent: But this is a great deal, our clients see results, let me just tell you about the package.\n\
Customer: No. Goodbye.";
    let insight = analyze(raw, 35.0, Outcome::NotConverted);
    let o = &insight.objections[0];
    assert_eq!(
        (o.kind.as_str(), o.rebuttal_quality),
        ("not_interested", RebuttalQuality::Poor)
    );
    assert!(!o.rebuttal_attempted && o.agent_rebuttal.is_none());
    assert_eq!(
        insight.early_termination.as_deref(),
        Some("unhandled_objection")
    );
}

#[test]
fn rebutted_busy_objection_ends_as_customer_busy() {
    let raw = "Agent: Hi, this is Dana calling from Acme, the reason for my call is your listing.\n\
Customer: I'm busy right now.\n\
Agent: Totally understand. When is a better time?\n\
Customer: Tomorrow.";
    let insight = analyze(raw, 30.0, Outcome::NotConverted);
    assert_eq!(
        insight.objections[0].rebuttal_quality,
        RebuttalQuality::Good
    );
    assert_eq!(insight.early_termination.as_deref(), Some("customer_busy"));
    let nc = insight
        .script
        .and_then(|s| s.non_compliance)
        .expect("not followed");
    assert_eq!(nc.reason, NonComplianceReason::WrongTimingBusy);
}

#[test]
fn no_conversation_is_wrong_number_or_no_answer() {
    let insight = analyze(
        "Agent: Hi, is this the owner of Bright Plumbing? We help plumbers.\nCustomer: Hello?",
        8.0,
        Outcome::NotConverted,
    );
    assert_eq!(
        insight.early_termination.as_deref(),
        Some("wrong_number_or_no_answer")
    );
    assert_eq!(
        insight.termination_reasons,
        ["Wrong number, voicemail or no real conversation"]
    );
}

const FULL_SCRIPT: &str = "Agent: Good morning, my name is Dana, calling from Acme. How are you?\n\
Customer: Good, thanks.\n\
Agent: The reason I'm calling is we help local plumbers get more customers.\n\
Customer: Okay, tell me more.\n\
Agent: How do you currently get new jobs? How many calls a week?\n\
Customer: Mostly referrals, maybe ten calls a week. I'm interested in more.\n\
Agent: We can help, which means more customers from Google. You'll get a full profile.\n\
Customer: Sounds good. How much is it?\n\
Agent: Let's get you started today, would you like to go ahead with the credit card on file?\n\
Customer: Yes, let's do it.\n\
Agent: Great, the next step is a welcome call, I'll send a calendar invite.";

#[test]
fn long_converted_call_following_the_script() {
    let insight = analyze(FULL_SCRIPT, 620.0, Outcome::Converted);
    let script = insight.script.clone().expect("roles known");
    assert!(script.followed_sequence, "{:?}", script.sequence_deviations);
    assert!(script.is_followed(&Playbook::generic().core_section_ids()));
    assert!(script.non_compliance.is_none());
    assert!(script.sections_attempted() >= 6);
    assert!(
        script.tier() >= ComplianceTier::Medium,
        "{}",
        script.overall_pct
    );
    assert_eq!(insight.early_termination, None);
    assert_eq!(insight.proof_of_issue, None);
    // The last detected buying signal.
    assert!(insight.proof_of_success.is_some());
    assert_eq!(insight.sentiment_end, Some(Sentiment::Positive));
    assert!(insight.agent_rating.is_none() && insight.critical_moment.is_none());
}

#[test]
fn sections_out_of_order_are_deviations() {
    let raw = "Agent: Let's get you started today with the credit card.\n\
Customer: What?\n\
Agent: Sorry, my name is Dana calling from Acme. The reason I'm calling is we help plumbers.\n\
Customer: Okay.";
    let insight = analyze(raw, 100.0, Outcome::NotConverted);
    let script = insight.script.expect("roles known");
    assert!(!script.followed_sequence);
    assert_eq!(
        script.sequence_deviations,
        ["close (turn 0) came before purpose (turn 2)"]
    );
}

#[test]
fn unknown_roles_leave_judgements_empty() {
    let insight = analyze(
        "Speaker A: The weather turned.\nSpeaker B: It did, all week.",
        10.0,
        Outcome::Unknown,
    );
    assert_eq!(insight.script, None);
    assert_eq!(insight.engagement, None);
    assert_eq!(insight.sentiment_start, None);
    assert!(insight.objections.is_empty());
    assert_eq!(insight.early_termination, None);
}

#[test]
fn deterministic_and_keyed() {
    let a = analyze(FULL_SCRIPT, 620.0, Outcome::Converted);
    let b = analyze(FULL_SCRIPT, 620.0, Outcome::Converted);
    assert_eq!(a, b);
    assert!(HEURISTIC_KEY.starts_with("heuristic-v"));
}

/// Every object in the insight's JSON with a `text` and a `turn` is a quote;
/// returns them all with their grounded flag.
fn quotes(insight: &Insight) -> Vec<(String, Option<bool>)> {
    fn walk(v: &serde_json::Value, out: &mut Vec<(String, Option<bool>)>) {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(text), true) = (map.get("text"), map.contains_key("turn")) {
                    let grounded = map.get("grounded").and_then(serde_json::Value::as_bool);
                    out.push((text.as_str().unwrap_or_default().to_string(), grounded));
                }
                map.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        &serde_json::to_value(insight).expect("insight serialises"),
        &mut out,
    );
    out
}

#[test]
fn every_heuristic_quote_is_grounded() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcripts");
    let mut raws: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("fixture"))
        .collect();
    raws.extend([UNHANDLED.to_string(), FULL_SCRIPT.to_string()]);
    let mut total = 0;
    for raw in &raws {
        for duration in [30.0, 600.0] {
            let insight = analyze(raw, duration, Outcome::Converted);
            for (text, grounded) in quotes(&insight) {
                assert_eq!(grounded, Some(true), "{text:?} in {raw:?}");
                assert!(raw.contains(&text), "{text:?} is not verbatim");
                total += 1;
            }
        }
    }
    assert!(total > 30, "only {total} quotes checked");
}

#[test]
fn grounding_ignores_case_punctuation_and_curly_quotes_but_not_words() {
    let c = call(UNHANDLED, 40.0, Outcome::NotConverted);
    let mut insight = Insight {
        notable_quotes: vec![
            Quote {
                text: "IT\u{2019}S too   expensive for us".into(),
                turn: None,
                grounded: None,
            },
            Quote {
                text: "it's far too expensive".into(),
                turn: None,
                grounded: None,
            },
            Quote {
                text: "  ".into(),
                turn: None,
                grounded: None,
            },
        ],
        ..Insight::default()
    };
    ground(&mut insight, &c);
    let flags: Vec<Option<bool>> = insight.notable_quotes.iter().map(|q| q.grounded).collect();
    assert_eq!(flags, [Some(true), Some(false), Some(false)]);
}
