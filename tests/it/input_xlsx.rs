//! XLSX input through calamine: the same mappings as CSV, sheet selection,
//! numeric and date cells, and a missing sheet.

use std::path::{Path, PathBuf};

use callscope::config::Config;
use callscope::input::{InputSpec, Loaded, open};
use callscope::model::{CallTime, Outcome};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

fn write_book(path: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes")?;
    notes.write_string(0, 0, "exported by the dialer")?;
    let sheet = book.add_worksheet().set_name("Calls")?;
    for (col, h) in [
        "Call ID",
        "Agent",
        "Call Date",
        "Duration",
        "Disposition",
        "Transcript",
        "Lead Score",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *h)?;
    }
    let date_fmt = Format::new().set_num_format("mm/dd/yyyy hh:mm");
    let rows = [
        (
            1001.0,
            "Maria Lopez",
            "2025-12-16T08:32:00",
            245.0,
            "SALE",
            "Agent: hello\nCustomer: how much?",
            9.0,
        ),
        (
            1002.0,
            "Tom Reed",
            "2025-12-17T14:05:30",
            61.5,
            "NI",
            "Customer: not interested",
            2.0,
        ),
    ];
    for (i, (id, agent, date, dur, disp, text, score)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, *id)?;
        sheet.write_string(r, 1, *agent)?;
        sheet.write_datetime_with_format(r, 2, &ExcelDateTime::parse_from_str(date)?, &date_fmt)?;
        sheet.write_number(r, 3, *dur)?;
        sheet.write_string(r, 4, *disp)?;
        sheet.write_string(r, 5, *text)?;
        sheet.write_number(r, 6, *score)?;
    }
    // A row with a text duration in mm:ss and no date.
    sheet.write_number(3, 0, 1003.0)?;
    sheet.write_string(3, 3, "2:30")?;
    book.save(path)
}

fn workbook() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("calls.xlsx");
    write_book(&path).expect("write xlsx");
    (dir, path)
}

fn load(path: &Path, cfg: &Config) -> Loaded {
    let spec = InputSpec {
        path: path.to_path_buf(),
        calls_meta: None,
    };
    open(&spec, cfg).expect("opens").collect_all()
}

#[test]
fn named_sheet_with_numbers_and_dates() {
    let (_dir, path) = workbook();
    let mut cfg = Config::default();
    cfg.input.sheet = Some("Calls".into());
    cfg.outcomes.converted.push("SALE".into());
    cfg.outcomes.not_converted.push("NI".into());
    let loaded = load(&path, &cfg);
    assert!(
        loaded.warnings.is_empty() && loaded.skipped.is_empty(),
        "{loaded:?}"
    );
    let ids: Vec<&str> = loaded.calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1001", "1002", "1003"]);
    let c = &loaded.calls[0];
    assert_eq!(c.agent.as_deref(), Some("Maria Lopez"));
    assert_eq!(c.duration_s, Some(245.0));
    assert_eq!(c.outcome, Outcome::Converted);
    assert_eq!(
        c.legs[0].transcript.raw,
        "Agent: hello\nCustomer: how much?"
    );
    assert_eq!(
        c.attributes.get("Lead Score").map(String::as_str),
        Some("9")
    );
    match c.started_at {
        Some(CallTime::Local(t)) => assert_eq!(t.to_string(), "2025-12-16 08:32:00"),
        other => panic!("{other:?}"),
    }
    assert_eq!(loaded.calls[1].duration_s, Some(61.5));
    assert_eq!(loaded.calls[1].outcome, Outcome::NotConverted);
    assert_eq!(loaded.calls[2].duration_s, Some(150.0));
    assert_eq!(loaded.calls[2].started_at, None);
}

#[test]
fn first_sheet_by_default_and_missing_sheet_names_the_sheets() {
    let (_dir, path) = workbook();
    let spec = InputSpec {
        path: path.clone(),
        calls_meta: None,
    };
    let err = open(&spec, &Config::default()).expect_err("first sheet has no call id column");
    assert!(err.to_string().contains("exported by the dialer"), "{err}");

    let mut cfg = Config::default();
    cfg.input.sheet = Some("Sheet9".into());
    let err = open(&spec, &cfg).expect_err("no such sheet");
    assert!(
        err.to_string().contains("`Sheet9`") && err.to_string().contains("Notes, Calls"),
        "{err}"
    );
}
