//! Fuzz target: `transcript::parse_text` on arbitrary UTF-8 with an arbitrary
//! speaker map. The first two lines of the input are the agent and customer
//! labels (`|`-separated), the rest is the transcript. Besides not
//! panicking, every turn's text must be a non-empty slice of the input.
#![no_main]

use callscope::config::SpeakerMap;
use callscope::transcript::parse_text;
use libfuzzer_sys::fuzz_target;

fn labels(line: &str) -> Vec<String> {
    line.split('|')
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(3, '\n');
    let agent = parts.next().unwrap_or("");
    let customer = parts.next().unwrap_or("");
    let raw = parts.next().unwrap_or("");
    let speakers = SpeakerMap {
        agent: labels(agent),
        customer: labels(customer),
    };
    for map in [SpeakerMap::default(), speakers] {
        for turn in parse_text(raw, &map) {
            assert!(!turn.text.is_empty(), "empty turn");
            assert!(raw.contains(&turn.text), "turn text not in the input");
        }
    }
});
