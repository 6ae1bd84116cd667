//! Utterance-per-row tables with the generic profile's column guesses, joined
//! with a metadata table; plus JSONL in the Call schema (round trip, bad lines).

use std::fs;
use std::path::{Path, PathBuf};

use callscope::config::Config;
use callscope::config::input::{Layout, Profile};
use callscope::input::{InputSpec, Loaded, open};
use callscope::model::{Outcome, Speaker};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write fixture");
    path
}

fn load(path: &Path, meta: Option<&Path>, cfg: &Config) -> Loaded {
    let spec = InputSpec {
        path: path.to_path_buf(),
        calls_meta: meta.map(Path::to_path_buf),
    };
    open(&spec, cfg).expect("opens").collect_all()
}

fn utterance_config() -> Config {
    let mut cfg = Config::default();
    cfg.input.layout = Layout::UtterancePerRow;
    cfg.speakers.agent.push("Rep".into());
    cfg.speakers.customer.push("caller".into());
    cfg.outcomes.converted.push("won".into());
    cfg
}

const UTTERANCES: &str = "conversation_id,speaker,start,end,text\n\
    c1,rep,0,2.5,Hi there.\n\
    c1,REP,2.5,4,I'm calling about your website.\n\
    c1,caller,4,00:06,How much is it?\n\
    c1,Rep,6,9,It's 99 a month.\n\
    c2,rep,0,oops,Hello?\n\
    c2,bot,1,2,beep\n\
    c1,caller,10,11,late row\n\
    c3,rep,0,1,Anyone there?\n";

const META: &str = "call_id,agent,outcome,region\n\
    c1,Maria Lopez,won,west\n\
    c2,Tom Reed,pending,east\n\
    c9,Ann Lee,lost,north\n";

#[test]
fn rows_group_into_calls_and_join_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let utt = write(dir.path(), "utt.csv", UTTERANCES);
    let meta = write(dir.path(), "meta.csv", META);
    let loaded = load(&utt, Some(&meta), &utterance_config());
    let ids: Vec<&str> = loaded.calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["c1", "c2", "c3", "c9"],
        "metadata-only calls come last"
    );

    let c1 = &loaded.calls[0];
    assert_eq!(c1.agent.as_deref(), Some("Maria Lopez"));
    assert_eq!(c1.outcome, Outcome::Converted);
    assert_eq!(
        c1.attributes.get("region").map(String::as_str),
        Some("west")
    );
    let turns = &c1.legs[0].transcript.turns;
    assert_eq!(turns.len(), 3, "{turns:?}");
    assert_eq!(turns[0].speaker, Speaker::Agent);
    assert_eq!(turns[0].text, "Hi there. I'm calling about your website.");
    assert_eq!((turns[0].start_s, turns[0].end_s), (Some(0.0), Some(4.0)));
    assert_eq!(
        (turns[1].speaker, turns[1].end_s),
        (Speaker::Customer, Some(6.0))
    );
    assert!(c1.legs[0].transcript.raw.starts_with("rep: Hi there."));

    let c2 = &loaded.calls[1];
    assert_eq!(c2.outcome, Outcome::Unknown, "unlisted disposition");
    // The same role rules as text transcripts: with the agent known, the one
    // other label is the customer.
    assert_eq!(c2.legs[0].transcript.turns[1].speaker, Speaker::Customer);
    assert_eq!(c2.legs[0].transcript.turns[0].end_s, None);

    let c3 = &loaded.calls[2];
    assert_eq!((c3.outcome, c3.agent.as_deref()), (Outcome::Unknown, None));

    let c9 = &loaded.calls[3];
    assert_eq!(c9.agent.as_deref(), Some("Ann Lee"));
    assert!(c9.legs[0].transcript.turns.is_empty());

    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    let file = utt.display().to_string();
    assert!(
        warnings.contains(&format!(
            "{file}:6: end: cannot parse duration `oops` (expected seconds, mm:ss or hh:mm:ss)"
        )),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&format!(
            "{file}:9: conversation_id: no metadata row for call id `c3`; outcome unknown"
        )),
        "{warnings:?}"
    );
    let skipped: Vec<String> = loaded.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        skipped,
        [format!(
            "{file}:8: conversation_id: rows of call id `c1` are not contiguous (first rows at row 2); these rows skipped"
        )]
    );
}

#[test]
fn without_metadata_calls_have_unknown_outcome_and_no_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let utt = write(
        dir.path(),
        "utt.csv",
        "call_id;role;text;turn\nx;rep;a;0\nx;rep;b;1\n",
    );
    let loaded = load(&utt, None, &utterance_config());
    assert!(loaded.warnings.is_empty());
    assert_eq!(
        loaded.calls[0].legs[0].transcript.turns.len(),
        2,
        "a new turn index starts a new turn"
    );
}

#[test]
fn utterance_layout_needs_its_columns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let utt = write(dir.path(), "utt.csv", "call_id,who,words\nx,a,b\n");
    let mut cfg = utterance_config();
    let spec = InputSpec {
        path: utt,
        calls_meta: None,
    };
    let err = open(&spec, &cfg).expect_err("no speaker column");
    assert!(err.to_string().contains("who, words"), "{err}");
    cfg.input.profile = Profile::Custom;
    let err = open(&spec, &cfg).expect_err("custom needs [input.utterances]");
    assert!(err.to_string().contains("[input.utterances]"), "{err}");
}

#[test]
fn jsonl_round_trips_calls_and_reports_bad_lines() {
    let mut cfg = Config::default();
    cfg.input.profile = Profile::ViciLgsOmc;
    let original = load(
        Path::new("tests/fixtures/input/vici_sample.csv"),
        None,
        &cfg,
    )
    .calls;
    let mut text: String = original
        .iter()
        .map(|c| serde_json::to_string(c).expect("serialises") + "\n")
        .collect();
    text.push_str("\n{not json}\n");
    text.push_str(&(serde_json::to_string(&original[0]).expect("serialises") + "\n"));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "calls.jsonl", &text);
    let loaded = load(&path, None, &Config::default());
    assert_eq!(loaded.calls, original);
    let skipped: Vec<String> = loaded.skipped.iter().map(ToString::to_string).collect();
    let file = path.display().to_string();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].starts_with(&format!("{file}:6: not a call record")),
        "{skipped:?}"
    );
    assert_eq!(
        skipped[1],
        format!("{file}:7: duplicate call id `1001` (first seen at row 1); row skipped")
    );
}
