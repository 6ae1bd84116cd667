//! The outputs for other tools, through the binary: `calls.parquet` and
//! `utterances.parquet` read back with the parquet crate (types, nulls, row
//! counts, values equal to the CSV exports), `scorecard.csv`, `insights.jsonl` without transcripts by default
//! and with them one flag away (then it reads back as input), `--formats`,
//! and `report.docx` converted by LibreOffice to a PDF with the report's
//! headings and tables.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use parquet::basic::{LogicalType, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv")
}

fn analyze(input: &Path, out: &Path, extra: &[&str]) {
    Command::cargo_bin("callscope")
        .expect("binary")
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
}

fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let header = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn parquet(path: &Path) -> SerializedFileReader<File> {
    SerializedFileReader::new(File::open(path).expect("parquet file")).expect("parquet reader")
}

/// Physical type and logical type of a named column.
fn column_type(reader: &SerializedFileReader<File>, name: &str) -> (Physical, Option<LogicalType>) {
    let schema = reader.metadata().file_metadata().schema_descr();
    let col = (0..schema.num_columns())
        .map(|i| schema.column(i))
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("column {name}"));
    (col.physical_type(), col.logical_type_ref().cloned())
}

#[test]
fn parquet_exports_read_back_typed_with_nulls_and_matching_row_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    analyze(&example(), &out, &[]);
    let csv = csv_rows(&out.join("insights.csv"));

    let calls = parquet(&out.join("calls.parquet"));
    assert_eq!(
        calls.metadata().file_metadata().num_rows(),
        csv.len() as i64
    );
    assert_eq!(column_type(&calls, "duration_s").0, Physical::DOUBLE);
    assert_eq!(column_type(&calls, "turns").0, Physical::INT64);
    assert_eq!(column_type(&calls, "analysis_ok").0, Physical::BOOLEAN);
    assert_eq!(
        column_type(&calls, "agent"),
        (Physical::BYTE_ARRAY, Some(LogicalType::String))
    );
    assert!(matches!(
        column_type(&calls, "started_at"),
        (Physical::INT64, Some(LogicalType::Timestamp { .. }))
    ));
    assert_eq!(
        column_type(&calls, "date"),
        (Physical::INT32, Some(LogicalType::Date))
    );

    let names: Vec<String> = calls
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let header: Vec<String> = csv::Reader::from_path(out.join("insights.csv"))
        .expect("csv")
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(names, header, "the CSV's columns, in its order");

    // Every value equals the CSV's cell; an empty cell is a null.
    let mut nulls = 0;
    for (record, row) in calls.get_row_iter(None).expect("rows").zip(&csv) {
        let record = record.expect("record");
        for (name, field) in record.get_column_iter() {
            let cell = &row[name];
            match field {
                Field::Null => {
                    nulls += 1;
                    assert_eq!(cell, "", "{name}: null where the CSV is empty");
                }
                Field::Str(s) => assert_eq!(&crate_neutralised(s), cell, "{name}"),
                Field::Long(v) if name != "started_at" => {
                    assert_eq!(&v.to_string(), cell, "{name}")
                }
                Field::Double(v) => assert_eq!(*v, cell.parse::<f64>().expect("number"), "{name}"),
                Field::Bool(v) => assert_eq!(&v.to_string(), cell, "{name}"),
                _ => assert!(!cell.is_empty(), "{name}"),
            }
        }
    }
    assert!(nulls > 0, "unknown values are nulls");

    // utterances.parquet: the rows and columns of utterances.csv, typed.
    let sentences = csv_rows(&out.join("utterances.csv"));
    assert!(!sentences.is_empty());
    let utterances = parquet(&out.join("utterances.parquet"));
    assert_eq!(
        utterances.metadata().file_metadata().num_rows(),
        sentences.len() as i64,
        "one row per sentence, as in utterances.csv"
    );
    assert_eq!(column_type(&utterances, "seq").0, Physical::INT64);
    assert_eq!(column_type(&utterances, "objection_p").0, Physical::DOUBLE);
    assert_eq!(
        column_type(&utterances, "buying_signal").0,
        Physical::BOOLEAN
    );
    let mut objections = 0;
    for (row, expected) in utterances.get_row_iter(None).expect("rows").zip(&sentences) {
        let row = row.expect("row");
        for (name, field) in row.get_column_iter() {
            let cell = &expected[name.as_str()];
            match field {
                Field::Null => {
                    assert_eq!(name, "objection", "only an absent kind is null");
                    assert!(cell.is_empty());
                }
                Field::Str(v) => assert_eq!(&crate_neutralised(v), cell, "{name}"),
                Field::Long(v) => assert_eq!(&v.to_string(), cell, "{name}"),
                Field::Bool(v) => assert_eq!(if *v { "1" } else { "0" }, cell, "{name}"),
                Field::Double(v) => assert_eq!(&format!("{v:.3}"), cell, "{name}"),
                other => panic!("{name}: unexpected {other:?}"),
            }
            objections += usize::from(name == "objection" && !cell.is_empty());
        }
    }
    assert!(objections > 0, "the demo's objections are in both exports");
}

/// The CSV writer prefixes formula-like text with `'`; Parquet keeps it raw.
fn crate_neutralised(s: &str) -> String {
    callscope::export::neutralise_formula(s)
}

#[test]
fn scorecard_has_one_row_per_agent_and_month_with_intervals() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    analyze(&example(), &out, &["--formats", "scorecard"]);
    let rows = csv_rows(&out.join("scorecard.csv"));
    let calls: u64 = rows
        .iter()
        .map(|r| r["calls"].parse::<u64>().expect("calls"))
        .sum();
    assert_eq!(calls, 200, "every call counted once");
    let mut keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["agent"].as_str(), r["month"].as_str()))
        .collect();
    keys.dedup();
    assert_eq!(keys.len(), rows.len(), "one row per agent and month");
    for r in &rows {
        if let (Ok(low), Ok(rate), Ok(high)) = (
            r["conversion_ci_low"].parse::<f64>(),
            r["conversion"].parse::<f64>(),
            r["conversion_ci_high"].parse::<f64>(),
        ) {
            assert!(low <= rate && rate <= high, "{r:?}");
        }
        assert!(!r["best_converters"].is_empty(), "reference agents named");
        assert!(!r["best_converters_agent_talk_share"].is_empty());
    }
    for absent in [
        "report.html",
        "report.docx",
        "calls.parquet",
        "insights.jsonl",
    ] {
        assert!(
            !out.join(absent).exists(),
            "--formats scorecard writes only it: {absent}"
        );
    }
}

#[test]
fn jsonl_leaves_transcripts_out_by_default_and_round_trips_with_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lean = dir.path().join("lean");
    analyze(&example(), &lean, &["--formats", "jsonl"]);
    let text = std::fs::read_to_string(lean.join("insights.jsonl")).expect("jsonl");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("line")).expect("json");
    let legs = first["legs"].as_array().expect("legs");
    assert!(
        legs.iter().all(|l| l["transcript"]["raw"] == ""),
        "no transcript by default"
    );
    assert!(first["metrics"]["turns"].as_u64().is_some(), "metrics kept");

    let full = dir.path().join("full");
    analyze(
        &example(),
        &full,
        &["--formats", "jsonl,csv", "--jsonl-transcripts"],
    );
    let full_len = std::fs::metadata(full.join("insights.jsonl"))
        .expect("jsonl")
        .len();
    assert!(
        full_len > 2 * text.len() as u64,
        "transcripts make it much larger"
    );
    let again = dir.path().join("again");
    analyze(&full.join("insights.jsonl"), &again, &["--formats", "csv"]);
    let a = csv_rows(&full.join("insights.csv"));
    let b = csv_rows(&again.join("insights.csv"));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (&x["call_id"], &x["turns"], &x["agent_words"]),
            (&y["call_id"], &y["turns"], &y["agent_words"])
        );
    }
}

#[test]
fn docx_report_converts_to_pdf_with_its_headings_and_tables() {
    assert!(
        Path::new("/usr/bin/soffice").exists() && Path::new("/usr/bin/pdftotext").exists(),
        "LibreOffice or pdftotext is missing: run scripts/test, which installs them"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    analyze(&example(), &out, &["--formats", "html,docx"]);
    assert!(out.join("report.html").exists());
    let docx = out.join("report.docx");
    let pdf_dir = dir.path().join("pdf");
    let convert = Process::new("/usr/bin/soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .arg(&docx)
        .output()
        .expect("run soffice");
    let log = String::from_utf8_lossy(&convert.stderr);
    assert!(convert.status.success(), "soffice failed: {log}");
    let pdf = pdf_dir.join("report.pdf");
    let text = Process::new("/usr/bin/pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    for heading in [
        "Call performance report",
        "Executive summary",
        "Agents",
        "Recommendations",
    ] {
        assert!(html.contains(heading), "the HTML has {heading}");
        assert!(text.contains(heading), "the PDF has the heading {heading}");
    }
    assert!(text.contains("Conversion"), "table headers reach the PDF");
    let pages = Process::new("/usr/bin/pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&pages.stdout);
    let count: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(count >= 3, "a multi-page report: {count}");
}
