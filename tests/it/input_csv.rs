//! Call-per-row CSV input: profiles, encodings, delimiters, quoting, huge
//! cells, unparseable values, duplicate ids and mapping errors, on real files.

use std::fs;
use std::path::{Path, PathBuf};

use callscope::config::Config;
use callscope::config::input::Profile;
use callscope::input::{InputError, InputSpec, Loaded, open};
use callscope::model::{CallTime, Outcome};

fn spec(path: &Path) -> InputSpec {
    InputSpec {
        path: path.to_path_buf(),
        calls_meta: None,
    }
}

fn load(path: &Path, cfg: &Config) -> Loaded {
    open(&spec(path), cfg).expect("opens").collect_all()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    fs::write(&path, bytes).expect("write fixture");
    path
}

fn vici() -> Config {
    let mut cfg = Config::default();
    cfg.input.profile = Profile::ViciLgsOmc;
    cfg
}

#[test]
fn vici_profile_reads_the_original_two_leg_export() {
    let loaded = load(Path::new("tests/fixtures/input/vici_sample.csv"), &vici());
    let ids: Vec<&str> = loaded.calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1001", "1002", "1003", "1004"]);
    let c = &loaded.calls[0];
    assert_eq!(c.legs.len(), 2);
    assert_eq!(
        (c.legs[0].name.as_str(), c.legs[1].name.as_str()),
        ("opener", "closer")
    );
    assert_eq!(c.legs[0].agent.as_deref(), Some("lgs_anna"));
    assert_eq!(c.legs[0].duration_s, Some(95.0));
    assert_eq!(
        c.agent.as_deref(),
        Some("omc_maria"),
        "call agent is the closer"
    );
    assert_eq!(c.duration_s, Some(612.0), "call duration is the closer's");
    assert_eq!(c.outcome, Outcome::Converted);
    assert_eq!(c.disposition.as_deref(), Some("SALE"));
    assert_eq!(
        c.legs[0].transcript.raw,
        "Agent: Hi, is this Bob?\nCustomer: Yes, who is this?"
    );
    assert_eq!(
        c.legs[1].transcript.raw,
        "Agent: Thanks for holding Bob, I'm calling about your listing.\nCustomer: Sure, how much is it?\nAgent: It's 99 a month.\nCustomer: Sounds good."
    );
    assert_eq!(
        c.attributes.get("Calls Count").map(String::as_str),
        Some("3")
    );
    assert_eq!(
        c.attributes.get("LQ_Company_Address").map(String::as_str),
        Some("1 Main St, Austin TX")
    );
    assert_eq!(
        c.attributes.get("timezone").map(String::as_str),
        Some("Central")
    );
    assert!(
        !c.attributes.contains_key("TO_OMC_User"),
        "mapped columns do not pass through"
    );
    match c.started_at {
        Some(CallTime::Local(t)) => assert_eq!(t.to_string(), "2025-12-16 08:32:00"),
        other => panic!("{other:?}"),
    }

    let hung_up = &loaded.calls[1];
    assert_eq!(hung_up.duration_s, Some(105.0), "mm:ss duration");
    assert_eq!(hung_up.outcome, Outcome::NotConverted);
    assert!(!hung_up.legs[1].transcript.raw.contains("None"));

    let voicemail = &loaded.calls[2];
    assert_eq!(voicemail.outcome, Outcome::Unknown);
    assert_eq!(
        voicemail.duration_s, None,
        "empty duration is unknown, not 0"
    );
    assert_eq!(voicemail.legs[0].duration_s, None);
    assert!(
        voicemail
            .legs
            .iter()
            .all(|l| l.transcript.raw.is_empty() && l.transcript.turns.is_empty())
    );
}

#[test]
fn bad_values_warn_with_file_row_and_column_and_the_run_goes_on() {
    let loaded = load(Path::new("tests/fixtures/input/vici_sample.csv"), &vici());
    let bad = loaded
        .calls
        .iter()
        .find(|c| c.id == "1004")
        .expect("row with bad values kept");
    assert_eq!(
        (bad.duration_s, bad.legs[0].duration_s, bad.started_at),
        (None, None, None)
    );
    assert_eq!(
        bad.outcome,
        Outcome::Unknown,
        "AC (already a customer) is unknown"
    );
    let texts: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    for column in [
        "TO_length_in_sec: negative duration",
        "TO_OMC_Duration: cannot parse duration",
        "TO_Event_O: cannot parse date",
    ] {
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("tests/fixtures/input/vici_sample.csv:")
                    && t.contains(column)),
            "{column} not in {texts:?}"
        );
    }
    assert!(loaded.warnings.iter().all(|w| w.row > 2));
}

#[test]
fn duplicate_call_ids_keep_the_first_row_and_name_both() {
    let loaded = load(Path::new("tests/fixtures/input/vici_sample.csv"), &vici());
    assert_eq!(loaded.calls.iter().filter(|c| c.id == "1001").count(), 1);
    assert_eq!(
        loaded.calls[0].disposition.as_deref(),
        Some("SALE"),
        "first row wins"
    );
    assert_eq!(loaded.skipped.len(), 1);
    let w = &loaded.skipped[0];
    assert!(
        w.message
            .contains("duplicate call id `1001` (first seen at row 2)"),
        "{w}"
    );
    assert_eq!(w.row, 5, "spreadsheet row of the later duplicate");
}

#[test]
fn generic_profile_with_bom_semicolons_multiline_cells_and_us_dates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "\u{feff}Call_ID;Agent;Date;Duration;Status;Transcript;Campaign;Score\n\
                a1;Maria Lopez;12/16/2025 8:32;4:05;sale;\"Agent: hi; there\nCustomer: \"\"hello\"\"\";spring;7\n\
                a2;Tom;2025-12-16T09:00:00+01:00;12.5;;Agent: bye;;\n";
    let path = write(&dir, "calls.csv", text.as_bytes());
    let mut cfg = Config::default();
    cfg.outcomes.converted.push("SALE".into());
    let loaded = load(&path, &cfg);
    assert!(
        loaded.warnings.is_empty() && loaded.skipped.is_empty(),
        "{loaded:?}"
    );
    let [a1, a2] = &loaded.calls[..] else {
        panic!("two calls: {loaded:?}")
    };
    assert_eq!(a1.id, "a1");
    assert_eq!(a1.agent.as_deref(), Some("Maria Lopez"));
    assert_eq!(a1.team.as_deref(), Some("spring"));
    assert_eq!(a1.duration_s, Some(245.0));
    assert_eq!(a1.outcome, Outcome::Converted);
    assert_eq!(
        a1.legs[0].transcript.raw,
        "Agent: hi; there\nCustomer: \"hello\""
    );
    assert_eq!(a1.attributes.get("Score").map(String::as_str), Some("7"));
    assert_eq!(a2.outcome, Outcome::Unknown);
    assert_eq!(a2.duration_s, Some(12.5));
    assert!(matches!(a2.started_at, Some(CallTime::Zoned(_))));
    assert!(a2.attributes.is_empty(), "empty cells do not pass through");
}

#[test]
fn tab_delimited_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "calls.tsv",
        b"id\tuser\tlength_in_sec\n7\tann\t1:00:00\n",
    );
    let loaded = load(&path, &Config::default());
    assert_eq!(loaded.calls[0].agent.as_deref(), Some("ann"));
    assert_eq!(loaded.calls[0].duration_s, Some(3600.0));
}

#[test]
fn windows_1252_is_decoded_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "cp1252.csv",
        b"id,agent,transcript\n1,Jos\xe9,Customer: caf\xe9 \x96 ok\n2,Ann,plain\n",
    );
    let loaded = load(&path, &Config::default());
    assert_eq!(loaded.calls[0].agent.as_deref(), Some("José"));
    assert_eq!(
        loaded.calls[0].legs[0].transcript.raw,
        "Customer: café – ok"
    );
    let w: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [format!(
            "{}:2: agent: not valid UTF-8; decoded as Windows-1252 (and so is every later such cell)",
            path.display()
        )],
        "one warning per file"
    );
}

#[test]
fn utf16_file_with_bom() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "id\tagent\tduration\r\n9\tZoë\t30\r\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let path = write(&dir, "utf16.csv", &bytes);
    let loaded = load(&path, &Config::default());
    assert_eq!(loaded.calls.len(), 1);
    assert_eq!(loaded.calls[0].agent.as_deref(), Some("Zoë"));
    assert_eq!(loaded.calls[0].duration_s, Some(30.0));
}

#[test]
fn cells_of_several_megabytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "Customer: this is a long line of talk about prices and plans.\n";
    let big = line.repeat(5 * 1024 * 1024 / line.len());
    let text = format!("id,transcript,agent\nbig,\"{big}\",ann\nsmall,hi,bob\n");
    let path = write(&dir, "big.csv", text.as_bytes());
    let loaded = load(&path, &Config::default());
    assert_eq!(loaded.calls.len(), 2);
    assert_eq!(loaded.calls[0].legs[0].transcript.raw, big.trim());
    assert_eq!(loaded.calls[1].agent.as_deref(), Some("bob"));
}

#[test]
fn empty_call_id_is_a_skipped_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir, "ids.csv", b"id,agent\n,ann\n2,bob\n");
    let loaded = load(&path, &Config::default());
    assert_eq!(loaded.calls.len(), 1);
    assert_eq!(
        loaded.skipped[0].to_string(),
        format!("{}:2: id: empty call id; row skipped", path.display())
    );
}

#[test]
fn custom_mapping_with_explicit_legs_and_passthrough_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        &dir,
        "legs.csv",
        b"ref,opener,open_s,open_text,closer,close_s,close_text,result,region,junk\n\
          r1,amy,30,Agent: hi,carl,00:05:00,Agent: deal?,won,west,x\n",
    );
    let cfg = Config::parse(
        r#"
        [input]
        profile = "custom"
        passthrough = ["region"]
        [input.columns]
        call_id = "ref"
        disposition = "result"
        [[input.legs]]
        name = "opener"
        agent = "opener"
        duration = "open_s"
        transcript = ["open_text"]
        [[input.legs]]
        name = "closer"
        agent = "closer"
        duration = "close_s"
        transcript = ["close_text"]
        [outcomes]
        converted = ["won"]
        "#,
        "inline",
    )
    .expect("config");
    let loaded = load(&path, &cfg);
    let c = &loaded.calls[0];
    assert_eq!(c.agent.as_deref(), Some("carl"));
    assert_eq!(c.duration_s, Some(300.0));
    assert_eq!(c.legs[0].duration_s, Some(30.0));
    assert_eq!(c.outcome, Outcome::Converted);
    assert_eq!(c.attributes.keys().collect::<Vec<_>>(), ["region"]);
}

#[test]
fn missing_columns_are_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir, "nocol.csv", b"who,when\nann,today\n");
    let err = open(&spec(&path), &Config::default()).expect_err("no id column");
    let text = err.to_string();
    assert!(matches!(err, InputError::MissingColumn { .. }));
    assert!(
        text.contains(&path.display().to_string())
            && text.contains("call_id")
            && text.contains("who, when"),
        "{text}"
    );

    let mut cfg = vici();
    cfg.input.columns.duration = Some("Talk Time".into());
    let vici_err = open(
        &spec(Path::new("tests/fixtures/input/vici_sample.csv")),
        &cfg,
    )
    .expect_err("explicit key");
    assert!(vici_err.to_string().contains("`Talk Time`"), "{vici_err}");

    let missing =
        open(&spec(&dir.path().join("absent.csv")), &Config::default()).expect_err("no file");
    assert!(missing.to_string().contains("absent.csv"), "{missing}");
}
