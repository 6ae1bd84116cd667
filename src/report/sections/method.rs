//! Method: how far to trust each count that comes from a sentence detector.
//! Shows the built-in model's measured precision, recall and F1 on held-out
//! human labels, or, when a team's trained model is in force, says so and
//! points to `callscope eval` for its figures.

use crate::analyze::detect::published::{self, BUILTIN};
use crate::analyze::detect::{self, Head};
use crate::report::document::Section;
use crate::stats::Summary;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("method", "Method: how far to trust the detections");
    let builtin = detect::builtin();
    let builtin_model = builtin.model_of(Head::Objection);
    let builtin_key = builtin.key().to_string();
    let trained: Vec<&str> = s
        .totals
        .analyzers
        .iter()
        .map(|(key, _)| key.as_str())
        .filter(|k| k.contains("detect-v") && !k.contains(&builtin_key))
        .collect();
    sec.paragraph(format!(
        "Objections, buying signals, questions, requests for the commitment and rebuttals \
         are found sentence by sentence by a learned model (`{}`, {}), not by phrase \
         lists; the playbook's phrases are counted apart, as keyword trackers. The \
         model was trained on {} and measured on {}:",
        builtin_model.name(),
        builtin_model.hash(),
        published::TRAINED_ON,
        published::MEASURED_ON
    ));
    let rows = BUILTIN
        .iter()
        .map(|f| {
            vec![
                f.detector.as_str().replace('_', " "),
                format!("{:.0} %", 100.0 * f.precision),
                format!("{:.0} %", 100.0 * f.recall),
                format!("{:.2} ({:.2}–{:.2})", f.f1, f.f1_ci[0], f.f1_ci[1]),
                format!("{}", f.tp + f.fn_),
            ]
        })
        .collect();
    sec.table(
        &[
            "detector",
            "precision",
            "recall",
            "F1 (95 % CI)",
            "labelled",
        ],
        rows,
    );
    sec.paragraph(
        "Precision is the share of detections a human labeller agreed with; recall the \
         share of labelled sentences found. A count with 30 % precision is mostly noise; \
         read it as a lead to listen to, not a figure. Rebuttals have no human labels \
         here: a rebuttal is a non-social reply of three words or more in the agent's \
         next turn after a detected objection.",
    );
    if !trained.is_empty() {
        sec.paragraph(format!(
            "This run used a team-trained detector model ({}): the figures above are the \
             built-in model's; `callscope eval --labels YOUR_LABELS` measures the one in \
             force on your own calls.",
            trained.join(", ")
        ));
    }
    sec
}
