//! The drivers section: the cross-validated model of the outcome and of
//! short calls over the measured features — how well they explain it on
//! held-out calls, and each feature's effect with the others held equal.
//! A chance-level model is said plainly.

use crate::config::outcomes::OutcomeWords;
use crate::report::document::Section;
use crate::report::format::number;
use crate::report::sections::findings::side_words;
use crate::stats::Summary;
use crate::stats::Target;
use crate::stats::drivers::{
    DriverEffect, Drivers, DriversModel, FOLDS, MIN_PER_CLASS, SAMPLE, Skip,
};

/// Below this held-out AUC a model explains the target only weakly.
const WEAK_AUC: f64 = 0.6;

pub fn build(s: &Summary) -> Section {
    let mut sec = Section::new("drivers", "What drives the outcome, all else equal");
    sec.paragraph(format!(
        "A ridge-regularised logistic regression over the measured features, judged on calls it did not see ({FOLDS}-fold cross-validation, at most {SAMPLE} calls sampled). An AUC of 0.5 is chance, 1.0 perfect. Each effect is an odds ratio with the other features held equal: above 1 raises the odds, below 1 lowers them."
    ));
    for d in &s.drivers {
        model(&mut sec, d, &s.words);
    }
    sec
}

fn what(target: Target, w: &OutcomeWords) -> String {
    match target {
        Target::Conversion => w.rate.clone(),
        Target::Shortness => "short calls".to_string(),
    }
}

/// One sentence on the model's held-out AUC, for the summary too.
pub fn verdict(m: &DriversModel, w: &OutcomeWords) -> String {
    let (yes, no) = side_words(m.target, w);
    let auc = format!(
        "held-out AUC {:.2} (95% CI {:.2}–{:.2}) over {} calls",
        m.auc, m.auc_low, m.auc_high, m.calls
    );
    if m.at_chance() {
        format!(
            "The measured features do not explain {}: the model separates {yes} from {no} calls no better than chance ({auc}).",
            what(m.target, w)
        )
    } else if m.auc < WEAK_AUC {
        format!(
            "The measured features explain {} only weakly: they separate {yes} from {no} calls barely better than chance ({auc}).",
            what(m.target, w)
        )
    } else {
        format!("The measured features separate {yes} from {no} calls with a {auc}.")
    }
}

/// The step an odds ratio is for: "2.1 more" or "yes against no".
fn step_text(e: &DriverEffect) -> String {
    if e.driver.is_flag() {
        "yes against no".to_string()
    } else {
        format!("{} more", number(e.step))
    }
}

/// The effect in words: "odds ×1.80 (95% CI 1.40–2.30) for 2.1 more".
pub fn effect_text(e: &DriverEffect) -> String {
    format!(
        "odds ×{:.2} (95% CI {:.2}–{:.2}) for {}",
        e.odds_ratio,
        e.low,
        e.high,
        step_text(e)
    )
}

fn model(sec: &mut Section, d: &Drivers, w: &OutcomeWords) {
    sec.subheading(format!("Model of {}", what(d.target, w)));
    let m = match &d.result {
        Ok(m) => m,
        Err(skip) => {
            sec.paragraph(skip_text(skip));
            return;
        }
    };
    sec.paragraph(verdict(m, w));
    if let Some(total) = m.sampled_from {
        sec.paragraph(format!(
            "Fitted on a random sample of {} of {total} calls.",
            m.calls
        ));
    }
    if m.at_chance() {
        return;
    }
    sec.table(
        &["Feature", "Odds ratio (95% CI)", "Step", "Clear effect"],
        m.effects
            .iter()
            .map(|e| {
                vec![
                    e.driver.label(),
                    format!("{:.2} ({:.2}–{:.2})", e.odds_ratio, e.low, e.high),
                    step_text(e),
                    if e.clear() {
                        "yes"
                    } else {
                        "no (interval spans 1)"
                    }
                    .to_string(),
                ]
            })
            .collect(),
    );
}

fn skip_text(skip: &Skip) -> String {
    match skip {
        Skip::TooFewCalls {
            positives,
            negatives,
        } => format!(
            "Not fitted: {positives} and {negatives} calls on the two sides; at least {MIN_PER_CLASS} of each are needed."
        ),
        Skip::NoFeatures => {
            "Not fitted: no measured feature is known for at least half of the calls and varies."
                .to_string()
        }
        Skip::FitFailed(why) => format!("Not fitted: the optimisation failed ({why})."),
    }
}
