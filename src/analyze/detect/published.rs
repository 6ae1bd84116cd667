//! The built-in model's published figures: `callscope eval --part test` on
//! the held-out third of `data/persuasionforgood-annotated/` (40 calls,
//! 1,473 sentences the model never saw). A test re-measures them, so they
//! cannot drift from the shipped model; `scripts/train-builtin` retrains it.

use super::Detector;

/// What the built-in model was trained on and measured on.
pub const TRAINED_ON: &str = "the training part of the labelled PersuasionForGood chats \
     (93 of 133 calls, split by a hash of the call id) and 117 hand-written sales and \
     support sentences (data/sales-seed)";
pub const MEASURED_ON: &str =
    "the held-out part of the labelled PersuasionForGood chats (40 calls, 1,473 sentences)";

/// One detector's held-out figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub detector: Detector,
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// 95 % bootstrap interval of F1 (resampling calls).
    pub f1_ci: [f64; 2],
}

const fn figures(detector: Detector, tp: u64, fp: u64, fn_: u64, f1_ci: [f64; 2]) -> Figures {
    let (t, p, n) = (tp as f64, fp as f64, fn_ as f64);
    Figures {
        detector,
        tp,
        fp,
        fn_,
        precision: t / (t + p),
        recall: t / (t + n),
        f1: 2.0 * t / (2.0 * t + p + n),
        f1_ci,
    }
}

/// The figures of the built-in model (the rebuttal has no labels there).
pub const BUILTIN: [Figures; 5] = [
    figures(Detector::Objection, 8, 17, 26, [0.122, 0.407]),
    figures(Detector::BuyingSignal, 181, 97, 44, [0.662, 0.769]),
    figures(Detector::CustomerQuestion, 123, 18, 16, [0.826, 0.919]),
    figures(Detector::AgentQuestion, 61, 43, 13, [0.602, 0.765]),
    figures(Detector::AsksCommitment, 28, 9, 22, [0.513, 0.750]),
];
