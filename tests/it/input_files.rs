//! A folder of files, one per call (WebVTT, SRT, AWS Transcribe standard and
//! Call Analytics, Deepgram, AssemblyAI, Whisper verbose_json, WhisperX),
//! joined to a CRM table: each format's turns, speakers and times, and the
//! whole folder through the binary (bad files are warnings, the rest analysed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use callscope::config::Config;
use callscope::input::{InputSpec, open};
use callscope::model::{Call, Outcome, Speaker};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load_folder() -> (HashMap<String, Call>, Vec<String>) {
    let spec = InputSpec {
        path: fixtures().join("calls"),
        calls_meta: Some(fixtures().join("calls-crm.csv")),
    };
    let loaded = open(&spec, &Config::default())
        .expect("opens")
        .collect_all();
    let calls = loaded
        .calls
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let problems = loaded
        .skipped
        .iter()
        .chain(&loaded.warnings)
        .map(ToString::to_string)
        .collect();
    (calls, problems)
}

/// (speaker, label, start, end, text) of every turn of one call.
fn turns(call: &Call) -> Vec<(Speaker, Option<String>, Option<f64>, Option<f64>, String)> {
    call.legs[0]
        .transcript
        .turns
        .iter()
        .map(|t| {
            (
                t.speaker,
                t.label.clone(),
                t.start_s,
                t.end_s,
                t.text.clone(),
            )
        })
        .collect()
}

#[test]
fn each_format_gives_turns_with_speakers_and_times() {
    let (calls, _) = load_folder();
    let expect = |id: &str, n: usize, first_agent_turn: usize, first_start: f64| {
        let t = turns(&calls[id]);
        assert_eq!(t.len(), n, "{id}: {t:?}");
        assert_eq!(t[first_agent_turn].0, Speaker::Agent, "{id}: {t:?}");
        assert_eq!(t[0].2, Some(first_start), "{id}");
        assert!(
            t.iter().all(|t| t.3.is_some()),
            "{id}: every turn has an end"
        );
        let customer = t.iter().filter(|t| t.0 == Speaker::Customer).count();
        assert!(customer > 0, "{id}: the other speaker is the customer");
    };
    expect("aws-1001", 7, 1, 0.4);
    expect("aws-ca-1002", 6, 0, 0.0);
    expect("dg-1003", 7, 1, 0.32);
    expect("aai-1004", 5, 0, 0.24);
    expect("wx-1006", 5, 1, 0.5);
    expect("teams-1007", 4, 0, 0.8);
    expect("zoom-1008", 4, 0, 1.12);
    expect("meet-1009", 4, 0, 0.5);

    let aws = turns(&calls["aws-1001"]);
    assert_eq!(aws[0].1.as_deref(), Some("spk_0"));
    assert_eq!(
        aws[0].4, "Hello?",
        "punctuation attaches to the word before"
    );
    let ca = turns(&calls["aws-ca-1002"]);
    assert_eq!(ca[1].1.as_deref(), Some("CUSTOMER"));
    assert_eq!(
        (ca[1].2, ca[1].3),
        (Some(5.6), Some(9.9)),
        "milliseconds to seconds"
    );
    assert_eq!(turns(&calls["aai-1004"])[1].1.as_deref(), Some("Speaker B"));
    assert_eq!(turns(&calls["dg-1003"])[0].1.as_deref(), Some("Speaker 1"));
    let teams = turns(&calls["teams-1007"]);
    assert_eq!(teams[0].1.as_deref(), Some("Dana Reyes"));
    assert!(
        teams[2].4.starts_with("Reporting is now included")
            && teams[2].4.ends_with("order form today?"),
        "consecutive cues of one speaker merge: {teams:?}"
    );
    assert_eq!(teams[2].3, Some(14.9));
    let srt = turns(&calls["meet-1009"]);
    assert_eq!(
        srt[0].4,
        "Hello, this is Nina from Greenleaf Lawn Care. Are you still looking for a spring cleanup?"
    );
}

#[test]
fn calls_join_the_crm_and_say_how_roles_were_decided() {
    let (calls, problems) = load_folder();
    let aws = &calls["aws-1001"];
    assert_eq!(aws.agent.as_deref(), Some("Priya Shah"));
    assert_eq!(aws.outcome, Outcome::Converted);
    let last_end = turns(aws).last().and_then(|t| t.3);
    assert_eq!(
        aws.duration_s, last_end,
        "no CRM duration: the transcript's span"
    );
    assert_eq!(
        calls["dg-1003"].duration_s,
        Some(27.4),
        "the stated audio length"
    );
    assert_eq!(
        calls["aws-ca-1002"].duration_s,
        Some(29.0),
        "the CRM's duration wins"
    );
    assert_eq!(calls["aai-1004"].outcome, Outcome::NotConverted);

    let roles = |id: &str| calls[id].attributes.get("speaker_roles").cloned();
    for id in ["aws-1001", "dg-1003", "aai-1004", "wx-1006", "teams-1007"] {
        assert_eq!(roles(id).as_deref(), Some("intro heuristic"), "{id}");
    }
    for id in ["aws-ca-1002", "zoom-1008", "meet-1009"] {
        assert_eq!(roles(id), None, "{id}: roles from the labels");
    }
    assert_eq!(roles("whisper-1005").as_deref(), Some("none in file"));
    let whisper = turns(&calls["whisper-1005"]);
    assert_eq!(whisper.len(), 4);
    assert!(
        whisper
            .iter()
            .all(|t| t.0 == Speaker::Unknown && t.1.is_none())
    );

    let crm_only = &calls["crm-only-1012"];
    assert!(crm_only.legs.iter().all(|l| l.transcript.turns.is_empty()));
    let says = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(
        says("whisper-1005.json:1: OpenAI Whisper verbose_json (`segments`) names no speakers"),
        "{problems:#?}"
    );
    assert!(
        says("call id `crm-only-1012` has no call file"),
        "{problems:#?}"
    );
}

#[test]
fn numbered_speakers_map_by_config_instead_of_the_heuristic() {
    let mut cfg = Config::default();
    cfg.speakers.agent.push("Speaker 1".into());
    cfg.speakers.customer.push("Speaker 0".into());
    let spec = InputSpec {
        path: fixtures().join("calls/dg-1003.json"),
        calls_meta: None,
    };
    let loaded = open(&spec, &cfg).expect("opens").collect_all();
    let call = &loaded.calls[0];
    assert_eq!(call.id, "dg-1003");
    let t = turns(call);
    assert_eq!(
        t[0].0,
        Speaker::Agent,
        "configured, though the intro says otherwise"
    );
    assert_eq!(call.attributes.get("speaker_roles"), None);
}

#[test]
fn the_call_id_can_come_from_a_json_field() {
    let mut cfg = Config::default();
    cfg.input.files.call_id_field = Some("JobName".into());
    let spec = InputSpec {
        path: fixtures().join("calls/aws-ca-1002.json"),
        calls_meta: None,
    };
    let loaded = open(&spec, &cfg).expect("opens").collect_all();
    assert_eq!(loaded.calls[0].id, "contoso-7781");
}

#[test]
fn the_folder_through_the_binary_warns_about_bad_files_and_analyses_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("callscope")
        .expect("binary")
        .arg("analyze")
        .arg(fixtures().join("calls"))
        .arg("--calls")
        .arg(fixtures().join("calls-crm.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("unknown-1010.json:1: matches no known speech-to-text shape; tried AWS Transcribe Call Analytics"),
        "{stderr}"
    );
    for shape in [
        "Deepgram (`results.utterances`)",
        "AssemblyAI (`utterances`)",
        "WhisperX",
        "OpenAI Whisper verbose_json",
    ] {
        assert!(stderr.contains(shape), "names {shape}: {stderr}");
    }
    assert!(
        stderr.contains("truncated-1011.json:1: not valid JSON"),
        "{stderr}"
    );
    assert!(stderr.contains("notes.md:1: not a call file"), "{stderr}");

    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).expect("run.json"))
            .expect("json");
    assert_eq!(run["calls_total"], 10, "9 files + 1 CRM row without a file");
    assert_eq!(run["calls_analyzed"], 10);
    assert_eq!(
        run["rows_skipped"], 3,
        "two bad JSON files and one stray file"
    );

    let mut csv = csv::Reader::from_path(out.join("insights.csv")).expect("csv");
    let header = csv.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: HashMap<String, csv::StringRecord> = csv
        .records()
        .map(|r| r.expect("row"))
        .map(|r| (r[col("call_id")].to_string(), r))
        .collect();
    assert_eq!(rows.len(), 10);
    let teams = &rows["teams-1007"];
    assert_eq!(&teams[col("outcome")], "converted");
    assert!(
        !teams[col("agent_talk_share_time")].is_empty(),
        "cue times feed timing metrics"
    );
    assert_eq!(&teams[col("attr:speaker_roles")], "intro heuristic");
    let whisper = &rows["whisper-1005"];
    assert_eq!(
        &whisper[col("agent_words")],
        "",
        "no speakers: by-side metrics unknown, not 0"
    );

    let report = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(
        report.contains("speaker roles assigned by the intro heuristic")
            && report.contains("teams-1007"),
        "the report names the calls mapped by heuristic"
    );
    assert!(
        report.contains("whisper-1005"),
        "and the call without speakers"
    );
}
