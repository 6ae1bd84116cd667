//! Who is speaking, against the targets of issue 15. Prints:
//!
//! 1. Role accuracy per transcript shape on labelled conversations whose
//!    roles are known (PersuasionForGood, human roles; the generated demo
//!    sales calls): each conversation is written in every shape (two labelled
//!    speakers, three with an opener handing over, one utterance per line, one
//!    paragraph), parsed, and every unit's inferred role compared with the
//!    truth. Accuracy is over units given a role; coverage is the share given
//!    one. Only the held-out part (by a hash of the call id, `Part::Test`) is
//!    measured: the classifier (`scripts/train-roles`) trained on the rest.
//! 2. On call exports (the paths given, else the generated
//!    `examples/demo-vici.csv`, read with the vici-lgs-omc profile): the share
//!    of non-empty closer transcripts whose roles are known with confidence,
//!    by shape; calls of 10+ turns reported as "no real conversation"; and
//!    two-leg calls with both transcripts that have handoff features.
//!
//! Run: `cargo bench --bench roles [-- FILE.csv ...]`.
#![allow(clippy::print_stdout, clippy::print_stderr)] // a bench prints its table

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use callscope::analyze::heuristic;
use callscope::config::input::Profile;
use callscope::config::{Config, SpeakerMap, playbook::TerminationSignal};
use callscope::input::{InputSpec, open};
use callscope::learn::Part;
use callscope::metrics::{self, PhraseBook};
use callscope::model::{Speaker, Transcript, TranscriptShape};
use callscope::transcript::corpus::{self, Labelled, labelled_calls, persuasion};
use callscope::transcript::{parse_text, roles_known, shape};

const HANDOFF_LINE: &str = "Okay, I do have here my manager on the line, he handles this for us.";

/// One labelled conversation: (spoken by the agent, text) per turn.
type Truth = Vec<(bool, String)>;

#[derive(Default)]
struct Tally {
    calls: usize,
    known: usize,
    units: usize,
    assigned: usize,
    correct: usize,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    println!("## Role accuracy per transcript shape (held-out labelled conversations)\n");
    let held_out = |convs: Result<Vec<Labelled>, _>| -> Vec<Truth> {
        let convs = convs.expect("the labelled corpora are committed");
        corpus::part(convs, Part::Test)
            .into_iter()
            .map(|c| c.turns)
            .collect()
    };
    let pfg = held_out(persuasion(
        &root.join("data/persuasionforgood/full_dialog.csv"),
    ));
    let demo = held_out(labelled_calls(&root.join("examples/demo-calls.csv")));
    accuracy("PersuasionForGood (human roles, held-out part)", &pfg);
    accuracy("generated sales calls (held-out part)", &demo);
    let files = if files.is_empty() {
        vec![root.join("examples/demo-vici.csv")]
    } else {
        files
    };
    for file in &files {
        targets(file);
    }
}

fn accuracy(name: &str, convs: &[Truth]) {
    let shapes = [
        "two speakers",
        "three speakers (handoff)",
        "lines",
        "paragraph",
    ];
    println!("{name}: {} conversations\n", convs.len());
    println!("| shape | units | coverage | accuracy | calls with roles known |");
    println!("|---|---|---|---|---|");
    for (s, label) in shapes.iter().enumerate() {
        let mut t = Tally::default();
        for conv in convs {
            score(conv, s, &mut t);
        }
        println!(
            "| {label} | {} | {} | {} | {} |",
            t.units,
            pct(t.assigned, t.units),
            pct(t.correct, t.assigned),
            pct(t.known, t.calls)
        );
    }
    println!();
}

/// Writes `conv` in shape `s`, parses it and tallies unit roles.
fn score(conv: &Truth, s: usize, t: &mut Tally) {
    let mut truth: Truth = conv.clone();
    if s == 1 {
        truth.insert(0, (true, HANDOFF_LINE.to_string()));
    }
    let first_agent = truth.first().is_some_and(|(a, _)| *a);
    let label = |i: usize, agent: bool| match (s, i, agent == first_agent) {
        (1, 0, _) => "Speaker C: ",
        (_, _, true) => "Speaker A: ",
        _ => "Speaker B: ",
    };
    let sep = if s == 3 { " " } else { "\n" };
    let mut raw = String::new();
    let mut spans = Vec::new();
    for (i, (agent, text)) in truth.iter().enumerate() {
        if s < 2 {
            raw.push_str(label(i, *agent));
        }
        spans.push((raw.len(), raw.len() + text.len(), *agent));
        raw.push_str(text);
        raw.push_str(sep);
    }
    let turns = parse_text(&raw, &SpeakerMap::default());
    t.calls += 1;
    t.known += usize::from(roles_known(&turns));
    let mut cursor = 0;
    for turn in &turns {
        let Some(at) = raw[cursor..].find(&turn.text).map(|p| p + cursor) else {
            continue;
        };
        cursor = at + turn.text.len();
        let Some(&(_, _, agent)) = spans.iter().find(|(a, b, _)| at >= *a && at < *b) else {
            continue;
        };
        t.units += 1;
        let predicted = match turn.speaker {
            Speaker::Agent => true,
            Speaker::Customer => false,
            _ => continue,
        };
        t.assigned += 1;
        t.correct += usize::from(predicted == agent);
    }
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!(
            "{:.1}% ({part}/{whole})",
            100.0 * part as f64 / whole as f64
        )
    }
}

/// The targets on one call export.
fn targets(path: &Path) {
    let mut cfg = Config::default();
    cfg.input.profile = Profile::ViciLgsOmc;
    let spec = InputSpec {
        path: path.to_path_buf(),
        calls_meta: None,
    };
    let loaded = match open(&spec, &cfg) {
        Ok(stream) => stream.collect_all(),
        Err(e) => {
            println!("{}: {e}\n", path.display());
            return;
        }
    };
    let playbook = cfg.effective_playbook().into_owned();
    let detectors = callscope::analyze::detect::builtin();
    let threshold = cfg.analysis.short_call_threshold_s;
    let phrases = PhraseBook::new(&playbook).expect("phrase book");
    let no_conversation: Vec<&str> = playbook
        .termination_reasons
        .iter()
        .filter(|r| r.signal == Some(TerminationSignal::NoConversation))
        .map(|r| r.id.as_str())
        .collect();
    let mut by_shape: BTreeMap<TranscriptShape, [usize; 3]> = BTreeMap::new();
    let (mut long_no_conv, mut eligible, mut handoff) = (0, 0, 0);
    for call in &loaded.calls {
        let Some(closer) = call.main_leg() else {
            continue;
        };
        let entry = by_shape.entry(shape(&closer.transcript)).or_default();
        let turns = &closer.transcript.turns;
        let has = |role: Speaker| turns.iter().any(|t| t.speaker == role);
        entry[0] += 1;
        entry[1] += usize::from(has(Speaker::Agent) && has(Speaker::Customer));
        entry[2] += usize::from(roles_known(turns));
        let m = metrics::compute(call, &playbook, &phrases, threshold);
        let tags = detectors.tag_call(call);
        let insight = heuristic::analyze(call, &m, &tags, &playbook, &phrases, threshold);
        let reason = insight.early_termination.as_deref();
        if m.turns.unwrap_or(0) >= 10 && reason.is_some_and(|r| no_conversation.contains(&r)) {
            long_no_conv += 1;
        }
        let both =
            call.opener_leg().is_some_and(|o| !empty(&o.transcript)) && !empty(&closer.transcript);
        eligible += usize::from(both);
        handoff += usize::from(both && m.handoff.is_some());
    }
    println!("## {} ({} calls)\n", path.display(), loaded.calls.len());
    println!(
        "| closer transcript | calls | agent and customer found | roles known (≥ 75% of words) |"
    );
    println!("|---|---|---|---|");
    let mut total = [0; 3];
    for (shape, [calls, both, known]) in &by_shape {
        println!(
            "| {} | {calls} | {} | {} |",
            shape.as_str(),
            pct(*both, *calls),
            pct(*known, *calls)
        );
        if *shape != TranscriptShape::Empty {
            total = [total[0] + calls, total[1] + both, total[2] + known];
        }
    }
    println!(
        "\n- non-empty closer transcripts with agent and customer found with confidence: {} (target ≥ 85%)",
        pct(total[1], total[0])
    );
    println!(
        "- non-empty closer transcripts with roles known for ≥ 75% of words: {}",
        pct(total[2], total[0])
    );
    println!("- calls of 10+ turns reported as no real conversation: {long_no_conv} (target 0)");
    println!(
        "- two-leg calls with both transcripts that have handoff features: {} (target 100%)\n",
        pct(handoff, eligible)
    );
}

fn empty(t: &Transcript) -> bool {
    t.turns.is_empty()
}
