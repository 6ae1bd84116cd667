//! Property tests: the parser never panics, and every turn's text is a
//! verbatim, non-empty slice of the input.

use callscope::config::SpeakerMap;
use callscope::transcript::parse_text;
use proptest::prelude::*;

/// Inputs built from transcript-like fragments, so that labels, timestamps
/// and brackets actually meet each other.
fn transcript_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("Agent:".to_string()),
        Just("Customer: ".to_string()),
        Just("Speaker A (00:00 - 00:0".to_string()),
        Just("[00:01:02] ".to_string()),
        Just("[00:1".to_string()),
        Just("12:34".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(" ".to_string()),
        Just("):".to_string()),
        Just("é日本".to_string()),
        Just("?".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_turns_are_slices(raw in transcript_like()) {
        let turns = parse_text(&raw, &SpeakerMap::default());
        for t in &turns {
            prop_assert!(!t.text.is_empty());
            prop_assert!(raw.contains(&t.text), "{:?} not in {:?}", t.text, raw);
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(raw in "\\PC*") {
        let turns = parse_text(&raw, &SpeakerMap::default());
        for t in &turns {
            prop_assert!(raw.contains(&t.text));
        }
    }
}
