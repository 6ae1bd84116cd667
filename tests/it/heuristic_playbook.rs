//! Playbooks: the built-in generic one (and the commented TOML `init` prints)
//! and the original system's setup in `examples/411-locals.toml`, applied by
//! the heuristic analyzer.

use std::path::PathBuf;

use callscope::analyze::detect::builtin;
use callscope::analyze::grounding::ground;
use callscope::analyze::heuristic;
use callscope::config::playbook::GENERIC_PLAYBOOK_TOML;
use callscope::config::{Config, Playbook, SpeakerMap};
use callscope::metrics::{self, PhraseBook};
use callscope::model::{Call, Leg, Outcome, Transcript};
use callscope::transcript::parse_text;

fn example_411() -> Config {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/411-locals.toml");
    Config::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generic_toml_is_a_valid_config_section_and_the_default_playbook() {
    let config = Config::parse(GENERIC_PLAYBOOK_TOML, "generic").expect("parses as a config");
    assert_eq!(config.playbook, Some(Playbook::generic()));
    let commented = GENERIC_PLAYBOOK_TOML
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .count();
    assert!(commented >= 15, "the init file must explain its keys");
}

#[test]
fn example_411_has_the_original_setup() {
    let config = example_411();
    assert_eq!(config.analysis.short_call_threshold_s, 300.0);
    assert_eq!(config.input.profile.as_str(), "vici-lgs-omc");
    for code in ["P2P", "SALE", "SW"] {
        assert_eq!(
            config.outcomes.outcome(Some(code)),
            Outcome::Converted,
            "{code}"
        );
    }
    for code in ["HU", "NI", "CALLBK"] {
        assert_eq!(
            config.outcomes.outcome(Some(code)),
            Outcome::NotConverted,
            "{code}"
        );
    }
    assert_eq!(config.outcomes.outcome(Some("VM")), Outcome::Unknown);
    let playbook = config.playbook.expect("411 playbook");
    assert_eq!(playbook.sections.len(), 10);
    assert_eq!(playbook.core_section_ids().len(), 5);
    let situational: Vec<&str> = playbook
        .sections
        .iter()
        .filter(|s| s.situational)
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        situational,
        ["9_opening_objections", "10_closing_objections"]
    );
    let stage_count = |stage: &str| {
        playbook
            .objections
            .iter()
            .filter(|o| o.stage.as_deref() == Some(stage) && !o.rebuttal.is_empty())
            .count()
    };
    assert_eq!((stage_count("opening"), stage_count("closing")), (7, 12));
    for o in &playbook.objections {
        if let Some(id) = &o.ends_call_as {
            assert!(playbook.termination_reason(id).is_some(), "{id}");
        }
    }
}

#[test]
fn example_411_playbook_on_a_one_line_vici_transcript() {
    let config = example_411();
    let playbook = config.playbook.clone().expect("411 playbook");
    let raw = "Agent: Hi, real quick, my assistant spoke with you earlier, we're looking for a reliable business in your area. \
Customer: Okay. Agent: What type of jobs do you like most, and what's an average job worth? \
Customer: Send me an email. \
Agent: Happy to, I understand. That's exactly why the price is only good today, so what would you need to see? \
Customer: I'll think about it.";
    let call = Call {
        id: "411".into(),
        started_at: None,
        agent: None,
        team: None,
        duration_s: Some(95.0),
        disposition: Some("NI".into()),
        outcome: config.outcomes.outcome(Some("NI")),
        legs: vec![Leg {
            name: "omc".into(),
            agent: None,
            duration_s: Some(95.0),
            transcript: Transcript {
                raw: raw.into(),
                turns: parse_text(raw, &SpeakerMap::default()),
                rows: Vec::new(),
            },
        }],
        attributes: Default::default(),
    };
    let threshold = config.analysis.short_call_threshold_s;
    let phrases = PhraseBook::new(&playbook).expect("phrase book");
    let m = metrics::compute(&call, &playbook, &phrases, threshold);
    let tags = builtin().tag_call(&call);
    let mut insight = heuristic::analyze(&call, &m, &tags, &playbook, &phrases, threshold);
    ground(&mut insight, &call);
    // The playbook's objection phrases are keyword trackers (metrics); the
    // brush-offs "Send me an email" and "I'll think about it" are hard cases
    // the built-in detector misses (README).
    let kinds: Vec<&str> = m.objections.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(kinds, ["send_email", "no_urgency"]);
    let script = insight.script.expect("roles known");
    let attempted: Vec<&str> = script
        .sections
        .iter()
        .filter(|s| s.attempted)
        .map(|s| s.section.as_str())
        .collect();
    assert_eq!(
        attempted,
        ["1_intro", "2_qualifying", "9_opening_objections"]
    );
    assert!(
        insight
            .objections
            .iter()
            .all(|o| o.customer_quote.grounded == Some(true))
    );
}
