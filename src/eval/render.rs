//! `eval.json` (the `EvalReport` as is) and `eval.md` (the same figures for
//! people: a table per detector, call-level agreement, matching, and the
//! worst misses and false hits with their text).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{EvalReport, Example};

/// Writes `eval.json` and `eval.md` into `dir`; returns their paths.
pub fn write(report: &EvalReport, dir: &Path) -> std::io::Result<[PathBuf; 2]> {
    std::fs::create_dir_all(dir)?;
    let json = dir.join("eval.json");
    let md = dir.join("eval.md");
    let text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(&json, text + "\n")?;
    std::fs::write(&md, markdown(report))?;
    Ok([json, md])
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{:.1} %", 100.0 * v))
}

fn interval(v: Option<[f64; 2]>) -> String {
    v.map_or_else(
        || "–".to_string(),
        |[lo, hi]| format!("{:.1}–{:.1} %", 100.0 * lo, 100.0 * hi),
    )
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

pub fn markdown(r: &EvalReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Detectors against human labels\n");
    let _ = writeln!(
        s,
        "Labels: `{}`. Analysis: `{}`; sentence detectors: `{}`.\n",
        r.labels, r.analyzer, r.detector
    );
    let m = &r.matching;
    let _ = writeln!(
        s,
        "{} label rows: {} matched a stored sentence; {} name a call that is not in the run; \
         {} found no sentence with their words in their call; {} could not be read.\n",
        m.label_rows, m.matched, m.unmatched_no_call, m.unmatched_no_sentence, m.unreadable_rows
    );
    let _ = writeln!(s, "## Sentence detectors\n");
    let _ = writeln!(
        s,
        "| detector | TP | FP | FN | TN | precision (95 % CI) | recall (95 % CI) | F1 (95 % CI) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|---|---|");
    for (name, d) in &r.detectors {
        let c = &d.counts;
        let _ = writeln!(
            s,
            "| {name} | {} | {} | {} | {} | {} ({}) | {} ({}) | {} ({}) |",
            c.tp,
            c.fp,
            c.fn_,
            c.tn,
            pct(d.precision),
            interval(d.precision_ci),
            pct(d.recall),
            interval(d.recall_ci),
            pct(d.f1),
            interval(d.f1_ci)
        );
    }
    let _ = writeln!(
        s,
        "\nIntervals: 1,000 bootstrap resamples of calls. \"–\": not defined (no labelled and no detected positive).\n"
    );
    calls_section(&mut s, r);
    for (name, d) in &r.detectors {
        examples(
            &mut s,
            &format!("{name}: worst misses (labelled yes, detected no)"),
            &d.worst_misses,
        );
        examples(
            &mut s,
            &format!("{name}: false hits (detected yes, labelled no)"),
            &d.false_hits,
        );
    }
    if !m.unmatched.is_empty() {
        let _ = writeln!(s, "## Unmatched label rows (first {})\n", m.unmatched.len());
        let _ = writeln!(s, "| row | call | reason | text |\n|---:|---|---|---|");
        for u in &m.unmatched {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                u.row,
                cell(&u.call_id),
                u.reason,
                cell(&u.text)
            );
        }
    }
    s
}

fn calls_section(s: &mut String, r: &EvalReport) {
    if r.calls.is_empty() {
        return;
    }
    let _ = writeln!(s, "## Call-level labels\n");
    let _ = writeln!(
        s,
        "| field | calls | accuracy | Cohen's kappa | labelled → stored (count) |"
    );
    let _ = writeln!(s, "|---|---:|---|---|---|");
    for (field, a) in &r.calls {
        let confusion: Vec<String> = a
            .confusion
            .iter()
            .flat_map(|(t, row)| row.iter().map(move |(p, c)| format!("{t} → {p}: {c}")))
            .collect();
        let kappa = a
            .kappa
            .map_or_else(|| "–".to_string(), |k| format!("{k:.2}"));
        let _ = writeln!(
            s,
            "| {field} | {} | {} | {kappa} | {} |",
            a.n,
            pct(a.accuracy),
            cell(&confusion.join("; "))
        );
    }
    s.push('\n');
}

fn examples(s: &mut String, title: &str, list: &[Example]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(s, "### {title}\n");
    let _ = writeln!(s, "| p | call | row | text |\n|---:|---|---:|---|");
    for e in list {
        let _ = writeln!(
            s,
            "| {:.2} | {} | {} | {} |",
            e.p,
            cell(&e.call_id),
            e.row,
            cell(&e.text)
        );
    }
    s.push('\n');
}
