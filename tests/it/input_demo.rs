//! The demo generator: the planted patterns are visible in the calls as the
//! input reader returns them, the committed examples are its output, and the
//! vici layout reads back through the vici-lgs-omc profile.

use std::fs;
use std::path::{Path, PathBuf};

use callscope::config::Config;
use callscope::config::input::Profile;
use callscope::demo::{DemoLayout, DemoOptions, generate};
use callscope::input::{InputSpec, Loaded, open};
use callscope::model::{Call, Outcome};

fn generated(calls: usize, seed: u64, layout: DemoLayout) -> Vec<u8> {
    let mut out = Vec::new();
    generate(
        &DemoOptions {
            calls,
            seed,
            layout,
        },
        &mut out,
    )
    .expect("generates");
    out
}

fn load(path: &Path, profile: Profile) -> Loaded {
    let mut cfg = Config::default();
    cfg.input.profile = profile;
    let spec = InputSpec {
        path: path.to_path_buf(),
        calls_meta: None,
    };
    open(&spec, &cfg).expect("opens").collect_all()
}

/// One `[hh:mm:ss] Role: text` line of the generic layout.
struct Said {
    at: f64,
    by_agent: bool,
    text: String,
}

fn lines(call: &Call) -> Vec<Said> {
    let raw = &call.main_leg().expect("one leg").transcript.raw;
    raw.lines()
        .filter_map(|l| {
            let (stamp, rest) = l.strip_prefix('[')?.split_once("] ")?;
            let at = stamp
                .split(':')
                .try_fold(0.0, |acc, p| p.parse::<f64>().map(|v| acc * 60.0 + v).ok())?;
            let (role, text) = rest.split_once(": ")?;
            Some(Said {
                at,
                by_agent: role == "Agent",
                text: text.to_lowercase(),
            })
        })
        .collect()
}

const OBJECTIONS: [&str; 6] = [
    "too expensive",
    "not interested",
    "send me an email",
    "busy right now",
    "already have",
    "talk to my partner",
];
const BUYING_SIGNALS: [&str; 3] = ["how much", "what would the next step be", "sounds good"];

/// An objection in the first minute that the agent's next line does not
/// acknowledge, in a call where the customer has the last word.
fn ends_after_unhandled_early_objection(said: &[Said]) -> bool {
    let unhandled = said.iter().enumerate().any(|(i, s)| {
        !s.by_agent
            && s.at < 60.0
            && OBJECTIONS.iter().any(|o| s.text.contains(o))
            && said[i + 1..]
                .iter()
                .find(|n| n.by_agent)
                .is_some_and(|n| !n.text.contains("i understand"))
    });
    unhandled && said.last().is_some_and(|s| !s.by_agent)
}

fn rate(hits: usize, n: usize) -> f64 {
    hits as f64 / n.max(1) as f64
}

#[test]
fn planted_patterns_are_visible_in_the_parsed_calls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.csv");
    fs::write(&path, generated(3000, 11, DemoLayout::Generic)).expect("write");
    let loaded = load(&path, Profile::Generic);
    assert!(loaded.warnings.is_empty() && loaded.skipped.is_empty());
    let calls = &loaded.calls;
    assert_eq!(calls.len(), 3000);
    assert!(
        calls
            .iter()
            .all(|c| c.duration_s.is_some() && c.started_at.is_some())
    );

    // (a) Maria Lopez converts far more often.
    let conversion = |maria: bool| {
        let group: Vec<&Call> = calls
            .iter()
            .filter(|c| (c.agent.as_deref() == Some("Maria Lopez")) == maria)
            .collect();
        rate(
            group
                .iter()
                .filter(|c| c.outcome == Outcome::Converted)
                .count(),
            group.len(),
        )
    };
    let (maria, others) = (conversion(true), conversion(false));
    assert!(
        maria > 0.35 && others < 0.18,
        "maria {maria:.2}, others {others:.2}"
    );

    // (b) Most short calls end after an unhandled objection in the first minute.
    let short: Vec<&Call> = calls
        .iter()
        .filter(|c| c.duration_s.is_some_and(|d| d < 300.0))
        .collect();
    let long: Vec<&Call> = calls
        .iter()
        .filter(|c| c.duration_s.is_some_and(|d| d >= 300.0))
        .collect();
    let unhandled = |group: &[&Call]| {
        rate(
            group
                .iter()
                .filter(|c| ends_after_unhandled_early_objection(&lines(c)))
                .count(),
            group.len(),
        )
    };
    let (short_rate, long_rate) = (unhandled(&short), unhandled(&long));
    assert!(
        short.len() > 600 && short_rate > 0.6 && long_rate < 0.05,
        "short {short_rate:.2} (n={}), long {long_rate:.2}",
        short.len()
    );

    // (c) Converted calls: more customer questions, and a buying signal.
    let by_outcome = |converted: bool| -> Vec<&Call> {
        calls
            .iter()
            .filter(|c| (c.outcome == Outcome::Converted) == converted)
            .collect()
    };
    let questions = |group: &[&Call]| {
        let total: usize = group
            .iter()
            .map(|c| {
                lines(c)
                    .iter()
                    .filter(|s| !s.by_agent && s.text.ends_with('?'))
                    .count()
            })
            .sum();
        total as f64 / group.len().max(1) as f64
    };
    let signals = |group: &[&Call]| {
        rate(
            group
                .iter()
                .filter(|c| {
                    lines(c)
                        .iter()
                        .any(|s| !s.by_agent && BUYING_SIGNALS.iter().any(|b| s.text.contains(b)))
                })
                .count(),
            group.len(),
        )
    };
    let (won, rest) = (by_outcome(true), by_outcome(false));
    assert!(
        questions(&won) > questions(&rest) + 1.5,
        "{:.2} vs {:.2}",
        questions(&won),
        questions(&rest)
    );
    assert!(
        signals(&won) > 0.95 && signals(&rest) < 0.05,
        "{:.2} vs {:.2}",
        signals(&won),
        signals(&rest)
    );

    // (d) Calls without an early purpose statement end short far more often.
    let states_purpose = |c: &Call| {
        lines(c).iter().any(|s| {
            s.by_agent
                && s.at < 30.0
                && (s.text.contains("reason for my call") || s.text.contains("calling because"))
        })
    };
    let short_rate_when = |stated: bool| {
        let group: Vec<&Call> = calls
            .iter()
            .filter(|c| states_purpose(c) == stated)
            .collect();
        rate(
            group
                .iter()
                .filter(|c| c.duration_s.is_some_and(|d| d < 300.0))
                .count(),
            group.len(),
        )
    };
    let (with, without) = (short_rate_when(true), short_rate_when(false));
    assert!(
        without > 1.8 * with,
        "short rate without purpose {without:.2}, with {with:.2}"
    );
}

#[test]
fn committed_examples_are_the_generators_output_and_runs_are_prefix_stable() {
    let committed =
        |name: &str| fs::read(PathBuf::from("examples").join(name)).expect("committed example");
    assert_eq!(
        committed("demo-calls.csv"),
        generated(200, 7, DemoLayout::Generic)
    );
    assert_eq!(
        committed("demo-vici.csv"),
        generated(60, 7, DemoLayout::ViciLgsOmc)
    );
    assert!(committed("demo-calls.csv").len() < 1_100_000);

    let text = |n| String::from_utf8(generated(n, 3, DemoLayout::Generic)).expect("utf-8");
    let (small, big) = (text(20), text(50));
    assert!(
        big.starts_with(&small),
        "the first calls of a bigger run are the same calls"
    );
    assert_ne!(
        small,
        String::from_utf8(generated(20, 4, DemoLayout::Generic)).expect("utf-8")
    );
}

#[test]
fn vici_demo_reads_back_through_the_vici_profile() {
    let loaded = load(Path::new("examples/demo-vici.csv"), Profile::ViciLgsOmc);
    assert!(
        loaded.warnings.is_empty() && loaded.skipped.is_empty(),
        "{:?}",
        loaded.warnings
    );
    assert_eq!(loaded.calls.len(), 60);
    for call in &loaded.calls {
        assert_eq!(call.legs.len(), 2);
        assert!(
            call.started_at.is_some()
                && call.duration_s.is_some()
                && call.legs[0].duration_s.is_some()
        );
        assert_eq!(call.agent, call.legs[1].agent);
        assert!(
            call.attributes.contains_key("LQ_Company_Name")
                && call.attributes.contains_key("Calls Count")
        );
        for leg in &call.legs {
            let raw = &leg.transcript.raw;
            assert!(raw.starts_with("Speaker A (00:0"), "{raw}");
            assert!(!raw.contains("nan") && !raw.ends_with('-'), "{raw}");
        }
        let no_conversation = matches!(call.disposition.as_deref(), Some("VM" | "A"));
        assert_eq!(
            call.outcome == Outcome::Unknown,
            no_conversation,
            "{:?}",
            call.disposition
        );
    }
    assert!(loaded.calls.iter().any(|c| c.outcome == Outcome::Converted));
}
