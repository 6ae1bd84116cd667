//! Property test: on any transcript-like input, metrics and the heuristic
//! analyzer never panic and every quote they cite is grounded and verbatim.

use callscope::analyze::detect::builtin;
use callscope::analyze::grounding::ground;
use callscope::analyze::heuristic;
use callscope::config::{Playbook, SpeakerMap};
use callscope::metrics::{self, PhraseBook};
use callscope::model::{Call, Leg, Outcome, Transcript};
use callscope::transcript::parse_text;
use proptest::prelude::*;

fn conversation() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("Agent: Hi, my name is Dana calling from Acme. ".to_string()),
        Just("Customer: It’s TOO expensive!! ".to_string()),
        Just("Customer: send me an email? ".to_string()),
        Just(
            "Agent: I understand. We can help, which means more calls. How many jobs? ".to_string()
        ),
        Just("Customer: I'm busy right now, call me back.\n".to_string()),
        Just("Speaker A (00:00 - 00:04): hello?\n".to_string()),
        Just("[00:12] Speaker 1: sounds good, how much\n".to_string()),
        Just("\n".to_string()),
        "\\PC{0,30}",
    ];
    prop::collection::vec(line, 0..25).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn analyzer_quotes_are_always_grounded(raw in conversation(), duration in 0.0f64..900.0) {
        let call = Call {
            id: "p".into(),
            started_at: None,
            agent: None,
            team: None,
            duration_s: Some(duration),
            disposition: None,
            outcome: Outcome::Converted,
            legs: vec![Leg {
                name: "closer".into(),
                agent: None,
                duration_s: Some(duration),
                transcript: Transcript { raw: raw.clone(), turns: parse_text(&raw, &SpeakerMap::default()), rows: Vec::new() },
            }],
            attributes: Default::default(),
        };
        let playbook = Playbook::generic();
        let phrases = PhraseBook::new(&playbook).expect("phrase book");
        let m = metrics::compute(&call, &playbook, &phrases, 300.0);
        let tags = builtin().tag_call(&call);
        let mut insight = heuristic::analyze(&call, &m, &tags, &playbook, &phrases, 300.0);
        ground(&mut insight, &call);
        let mut quotes: Vec<_> = insight.notable_quotes.iter().collect();
        quotes.extend(insight.proof_of_issue.iter().chain(&insight.proof_of_success));
        for o in &insight.objections {
            quotes.push(&o.customer_quote);
            quotes.extend(o.agent_rebuttal.iter());
        }
        if let Some(script) = &insight.script {
            quotes.extend(script.sections.iter().filter_map(|s| s.evidence.as_ref()));
            prop_assert!((0.0..=100.0).contains(&script.overall_pct));
        }
        for q in quotes {
            prop_assert_eq!(q.grounded, Some(true), "{:?}", q.text);
            prop_assert!(raw.contains(&q.text));
        }
        if let Some(share) = m.agent_talk_share_words {
            prop_assert!((0.0..=1.0).contains(&share));
        }
    }
}
