//! The drivers model through the binary: on the bundled example, whose
//! planted cause is that short calls end on an unhandled objection, the
//! model of short calls finds that effect; with the outcomes shuffled
//! across the same calls, the model of the outcome is said to explain
//! nothing (its held-out AUC interval reaches chance).

use std::path::Path;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::report_findings::{analyze, section};

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv")
}

/// The report's drivers section.
fn drivers(md: &str) -> &str {
    let n = md
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("## ")?;
            let (n, title) = rest.split_once(". ")?;
            title.starts_with("What drives").then(|| n.parse().ok())?
        })
        .expect("drivers section");
    section(md, n)
}

#[test]
fn the_model_of_short_calls_recovers_the_planted_unhandled_objection() {
    let dir = tempfile::tempdir().unwrap();
    let md = analyze(&[demo().to_str().unwrap()], &dir.path().join("out"));
    let d = drivers(&md);
    let short = &d[d
        .find("### Model of short calls")
        .expect("short-call model")..];
    assert!(
        short.contains("The measured features separate short from long calls"),
        "{short}"
    );
    let row = short
        .lines()
        .find(|l| l.starts_with("| an objection left unrebutted |"))
        .expect("unrebutted objection row");
    assert!(row.ends_with("| yes |"), "{row}");
}

#[test]
fn shuffled_outcomes_are_said_not_to_be_explained() {
    let dir = tempfile::tempdir().unwrap();
    let mut rdr = csv::Reader::from_path(demo()).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "disposition").unwrap();
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let mut outcomes: Vec<String> = rows.iter().map(|r| r[col].to_string()).collect();
    outcomes.shuffle(&mut ChaCha8Rng::seed_from_u64(7));
    let shuffled = dir.path().join("shuffled.csv");
    let mut w = csv::Writer::from_path(&shuffled).unwrap();
    w.write_record(&headers).unwrap();
    for (row, outcome) in rows.iter_mut().zip(&outcomes) {
        let cells: Vec<&str> = row
            .iter()
            .enumerate()
            .map(|(i, c)| if i == col { outcome.as_str() } else { c })
            .collect();
        w.write_record(&cells).unwrap();
    }
    w.flush().unwrap();
    let md = analyze(&[shuffled.to_str().unwrap()], &dir.path().join("out"));
    let d = drivers(&md);
    let conversion = &d[d.find("### Model of conversion").expect("outcome model")..];
    assert!(
        conversion.contains(
            "The measured features do not explain conversion: the model separates converted from not converted calls no better than chance"
        ),
        "{conversion}"
    );
}
