//! The drivers model: what explains the outcome (and short calls) with the
//! other measured features held equal. A ridge-regularised logistic
//! regression (linfa-logistic, L-BFGS) over standardised per-call features,
//! evaluated by stratified 5-fold cross-validation: the held-out AUC with its
//! Hanley-McNeil 95 % interval, and each feature's adjusted odds ratio per
//! standard deviation with a Wald 95 % interval from the penalised Hessian.
//! It replaces the original system's separate ML pipeline (random forest,
//! SHAP, ROC-AUC). Calls are kept in a fixed-size random sample, so memory is
//! bounded whatever the input size.

use linfa::Dataset;
use linfa::traits::Fit;
use linfa_logistic::LogisticRegression;
use nalgebra::DMatrix;
use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::compare::Target;
use super::features::NumericFeature;
use super::handoff::HandoffFeature;
use super::mann_whitney::mann_whitney;
use super::row::CallRow;
use super::value_counts::ValueCounts;

/// Most calls kept for the model (a uniform random sample beyond).
pub const SAMPLE: usize = 20_000;
/// Cross-validation folds.
pub const FOLDS: usize = 5;
/// L2 penalty on the standardised coefficients (the intercept is free).
const ALPHA: f64 = 1.0;
const MAX_ITERATIONS: u64 = 200;
/// Fewest calls of each class to fit and cross-validate.
pub const MIN_PER_CLASS: usize = 20;
/// A feature is used when at least this share of the calls has it.
const MIN_PRESENT: f64 = 0.5;
const Z95: f64 = 1.959_963_984_540_054;
const SEED: u64 = 0x00C0_FFEE;

/// A feature the model may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Driver {
    Measure(NumericFeature),
    /// At least one objection got no rebuttal (0/1).
    UnrebuttedObjection,
    /// The agent stated the purpose of the call (0/1).
    PurposeStated,
    /// A measured handoff feature of a two-leg call (0/1); used when most
    /// calls have a measured handoff.
    Handoff(HandoffFeature),
}

use Driver::Measure;
use NumericFeature as F;

/// Candidate features per target; none is a mere measure of call length.
const ALL: [Driver; 17] = [
    Measure(F::AgentTalkShareWords),
    Measure(F::AgentQuestions),
    Measure(F::CustomerQuestions),
    Measure(F::LongestMonologueWords),
    Measure(F::Interruptions),
    Measure(F::ObjectionsDetected),
    Measure(F::BuyingSignals),
    Measure(F::CustomerSentimentStart),
    Measure(F::TimeToPurposeS),
    Measure(F::CompliancePct),
    Measure(F::AgentRating),
    Driver::UnrebuttedObjection,
    Driver::PurposeStated,
    Driver::Handoff(HandoffFeature::ConsentAsked),
    Driver::Handoff(HandoffFeature::ConsentGiven),
    Driver::Handoff(HandoffFeature::AgendaSet),
    Driver::Handoff(HandoffFeature::TimeAsked),
];

impl Driver {
    pub fn label(self) -> String {
        match self {
            Measure(f) => f.label().to_string(),
            Driver::UnrebuttedObjection => "an objection left unrebutted".into(),
            Driver::PurposeStated => "purpose of the call stated".into(),
            Driver::Handoff(h) => h.label().into(),
        }
    }

    /// A 0/1 feature (its effect is for yes against no).
    pub fn is_flag(self) -> bool {
        !matches!(self, Measure(_))
    }

    /// Something the agent controls, so it can be coached.
    pub fn controllable(self) -> bool {
        match self {
            Measure(f) => f.is_agent_behaviour(),
            Driver::UnrebuttedObjection | Driver::PurposeStated | Driver::Handoff(_) => true,
        }
    }

    fn needs_script(self) -> bool {
        match self {
            Measure(f) => f.needs_script(),
            Driver::PurposeStated => true,
            Driver::UnrebuttedObjection | Driver::Handoff(_) => false,
        }
    }

    /// Used for `target`: counts grow with call length, so short calls are
    /// modelled on features that do not (talk share, sentiment, purpose,
    /// objections left unrebutted).
    fn models(self, target: Target) -> bool {
        match (target, self) {
            (Target::Conversion, _) => true,
            (Target::Shortness, Measure(f)) => matches!(
                f,
                F::AgentTalkShareWords | F::CustomerSentimentStart | F::TimeToPurposeS
            ),
            (Target::Shortness, _) => true,
        }
    }

    fn value(self, row: &CallRow, purpose_known: bool) -> Option<f64> {
        match self {
            Measure(f) => f.value(row),
            Driver::UnrebuttedObjection => row
                .insight()
                .map(|i| f64::from(u8::from(i.objections.iter().any(|o| !o.rebuttal_attempted)))),
            Driver::PurposeStated => (purpose_known && row.metrics.turns.is_some())
                .then(|| f64::from(u8::from(row.metrics.purpose_turn.is_some()))),
            Driver::Handoff(h) => row
                .metrics
                .handoff
                .as_ref()
                .map(|f| f64::from(u8::from(h.of(f)))),
        }
    }
}

/// One feature's adjusted effect: the odds ratio for one standard deviation
/// more (or, for a 0/1 feature, for yes against no).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverEffect {
    pub driver: Driver,
    /// The step the odds ratio is for, in the feature's own units.
    pub step: f64,
    pub odds_ratio: f64,
    pub low: f64,
    pub high: f64,
}

impl DriverEffect {
    /// The 95 % interval excludes "no effect".
    pub fn clear(&self) -> bool {
        self.low > 1.0 || self.high < 1.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriversModel {
    pub target: Target,
    /// Calls used and, of them, on the positive side.
    pub calls: u64,
    pub positives: u64,
    /// Calls with a known target before sampling, when sampled.
    pub sampled_from: Option<u64>,
    /// Held-out AUC over the cross-validation folds and its 95 % interval.
    pub auc: f64,
    pub auc_low: f64,
    pub auc_high: f64,
    /// Largest effects first.
    pub effects: Vec<DriverEffect>,
}

impl DriversModel {
    /// The interval reaches 0.5: the features do not explain the target.
    pub fn at_chance(&self) -> bool {
        self.auc_low <= 0.5
    }
}

/// Why no model was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skip {
    TooFewCalls { positives: u64, negatives: u64 },
    NoFeatures,
    FitFailed(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drivers {
    pub target: Target,
    pub result: Result<DriversModel, Skip>,
}

/// One sampled call: every candidate feature and both targets.
#[derive(Debug)]
struct Sampled {
    x: Vec<Option<f64>>,
    converted: Option<bool>,
    short: Option<bool>,
}

/// Keeps a uniform random sample of at most [`SAMPLE`] calls (reservoir).
#[derive(Debug)]
pub struct DriversAcc {
    purpose_known: bool,
    seen: u64,
    known: [u64; 2],
    rows: Vec<Sampled>,
    rng: ChaCha8Rng,
}

impl DriversAcc {
    pub fn new(purpose_known: bool) -> Self {
        DriversAcc {
            purpose_known,
            seen: 0,
            known: [0; 2],
            rows: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(SEED),
        }
    }

    pub fn add(&mut self, row: &CallRow, converted: Option<bool>, short: Option<bool>) {
        self.known[0] += u64::from(converted.is_some());
        self.known[1] += u64::from(short.is_some());
        let sampled = Sampled {
            x: ALL
                .iter()
                .map(|d| d.value(row, self.purpose_known))
                .collect(),
            converted,
            short,
        };
        self.seen += 1;
        if self.rows.len() < SAMPLE {
            self.rows.push(sampled);
        } else {
            let slot = self.rng.gen_range(0..self.seen);
            if let Some(r) = self.rows.get_mut(slot as usize) {
                *r = sampled;
            }
        }
    }

    /// Fits one model per target.
    pub fn finish(self, script: bool) -> Vec<Drivers> {
        [Target::Conversion, Target::Shortness]
            .into_iter()
            .map(|target| {
                let (side, y_of): (usize, fn(&Sampled) -> Option<bool>) = match target {
                    Target::Conversion => (0, |s| s.converted),
                    Target::Shortness => (1, |s| s.short),
                };
                let columns: Vec<usize> = (0..ALL.len())
                    .filter(|&j| ALL[j].models(target) && (script || !ALL[j].needs_script()))
                    .collect();
                let mut x = Vec::new();
                let mut y = Vec::new();
                for s in &self.rows {
                    if let Some(v) = y_of(s) {
                        x.push(columns.iter().map(|&j| s.x[j]).collect::<Vec<_>>());
                        y.push(v);
                    }
                }
                let drivers: Vec<Driver> = columns.iter().map(|&j| ALL[j]).collect();
                let total = self.known[side];
                let result = fit(&drivers, &x, &y).map(|mut m| {
                    m.target = target;
                    m.sampled_from = (total > m.calls).then_some(total);
                    m
                });
                Drivers { target, result }
            })
            .collect()
    }
}

/// Standardised design: the usable columns and their raw SDs.
struct Design {
    drivers: Vec<Driver>,
    sds: Vec<f64>,
    x: Array2<f64>,
}

impl Design {
    /// The step an odds ratio is given for: one SD, or yes against no for a
    /// 0/1 feature; and how many standardised units that step is.
    fn step(&self, k: usize) -> (f64, f64) {
        if self.drivers[k].is_flag() {
            (1.0, 1.0 / self.sds[k])
        } else {
            (self.sds[k], 1.0)
        }
    }
}

/// Picks the features present in enough calls with some variance, imputes
/// the missing values with the mean and standardises.
fn design(drivers: &[Driver], x: &[Vec<Option<f64>>]) -> Option<Design> {
    let n = x.len();
    let mut kept = Vec::new();
    for (j, &d) in drivers.iter().enumerate() {
        let values: Vec<f64> = x.iter().filter_map(|r| r[j]).collect();
        if (values.len() as f64) < MIN_PRESENT * n as f64 {
            continue;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
        if var > 1e-12 {
            kept.push((j, d, mean, var.sqrt()));
        }
    }
    if kept.is_empty() {
        return None;
    }
    let mut m = Array2::zeros((n, kept.len()));
    for (i, r) in x.iter().enumerate() {
        for (k, &(j, _, mean, sd)) in kept.iter().enumerate() {
            m[[i, k]] = (r[j].unwrap_or(mean) - mean) / sd;
        }
    }
    Some(Design {
        drivers: kept.iter().map(|k| k.1).collect(),
        sds: kept.iter().map(|k| k.3).collect(),
        x: m,
    })
}

/// Coefficients and intercept of one regularised fit.
fn fit_once(x: &Array2<f64>, y: &Array1<bool>) -> Result<(Array1<f64>, f64), Skip> {
    let data = Dataset::new(x.clone(), y.clone());
    let model = LogisticRegression::default()
        .alpha(ALPHA)
        .max_iterations(MAX_ITERATIONS)
        .fit(&data)
        .map_err(|e| Skip::FitFailed(e.to_string()))?;
    // linfa-logistic models the class it met first; turn it into "true".
    let sign = if model.labels().pos.class { 1.0 } else { -1.0 };
    Ok((model.params() * sign, model.intercept() * sign))
}

fn probability(row: ndarray::ArrayView1<f64>, w: &Array1<f64>, b: f64) -> f64 {
    1.0 / (1.0 + (-(row.dot(w) + b)).exp())
}

/// Stratified fold of each call.
fn folds(y: &[bool]) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut fold = vec![0; y.len()];
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..y.len()).filter(|&i| y[i] == class).collect();
        idx.shuffle(&mut rng);
        for (k, i) in idx.into_iter().enumerate() {
            fold[i] = k % FOLDS;
        }
    }
    fold
}

/// Held-out probabilities of every call over the folds.
fn held_out(d: &Design, y: &[bool]) -> Result<Vec<f64>, Skip> {
    let fold = folds(y);
    let mut out = vec![0.0; y.len()];
    for f in 0..FOLDS {
        let train: Vec<usize> = (0..y.len()).filter(|&i| fold[i] != f).collect();
        let xt = d.x.select(ndarray::Axis(0), &train);
        let yt: Array1<bool> = train.iter().map(|&i| y[i]).collect();
        let (w, b) = fit_once(&xt, &yt)?;
        for i in (0..y.len()).filter(|&i| fold[i] == f) {
            out[i] = probability(d.x.row(i), &w, b);
        }
    }
    Ok(out)
}

/// AUC of scores against labels, with the Hanley-McNeil 95 % interval.
pub fn auc(scores: &[f64], y: &[bool]) -> Option<(f64, f64, f64)> {
    let mut counts = ValueCounts::<2>::default();
    for (&s, &pos) in scores.iter().zip(y) {
        counts.add(usize::from(!pos), s);
    }
    let a = (mann_whitney(counts.bins())?.cliffs_delta + 1.0) / 2.0;
    let n1 = y.iter().filter(|&&v| v).count() as f64;
    let n2 = y.len() as f64 - n1;
    let q1 = a / (2.0 - a);
    let q2 = 2.0 * a * a / (1.0 + a);
    let var = (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n2 - 1.0) * (q2 - a * a)) / (n1 * n2);
    let half = Z95 * var.max(0.0).sqrt();
    Some((a, (a - half).max(0.0), (a + half).min(1.0)))
}

/// Wald standard errors from the inverse of the penalised Hessian
/// (intercept last and unpenalised).
fn standard_errors(x: &Array2<f64>, w: &Array1<f64>, b: f64) -> Option<Vec<f64>> {
    let p = x.ncols();
    let mut h = DMatrix::<f64>::zeros(p + 1, p + 1);
    for row in x.rows() {
        let pr = probability(row, w, b);
        let weight = pr * (1.0 - pr);
        let xi = |k: usize| if k < p { row[k] } else { 1.0 };
        for a in 0..=p {
            for c in 0..=p {
                h[(a, c)] += weight * xi(a) * xi(c);
            }
        }
    }
    for a in 0..p {
        h[(a, a)] += ALPHA;
    }
    let inv = h.try_inverse()?;
    Some((0..p).map(|k| inv[(k, k)].max(0.0).sqrt()).collect())
}

/// Fits and cross-validates the model of `y` on `drivers`.
pub fn fit(drivers: &[Driver], x: &[Vec<Option<f64>>], y: &[bool]) -> Result<DriversModel, Skip> {
    let positives = y.iter().filter(|&&v| v).count();
    let negatives = y.len() - positives;
    if positives.min(negatives) < MIN_PER_CLASS {
        return Err(Skip::TooFewCalls {
            positives: positives as u64,
            negatives: negatives as u64,
        });
    }
    let d = design(drivers, x).ok_or(Skip::NoFeatures)?;
    let scores = held_out(&d, y)?;
    let (auc, auc_low, auc_high) =
        auc(&scores, y).ok_or_else(|| Skip::FitFailed("constant predictions".into()))?;
    let labels: Array1<bool> = y.iter().copied().collect();
    let (w, b) = fit_once(&d.x, &labels)?;
    let se = standard_errors(&d.x, &w, b)
        .ok_or_else(|| Skip::FitFailed("singular information matrix".into()))?;
    let mut effects: Vec<DriverEffect> = (0..w.len())
        .map(|k| {
            let (step, scale) = d.step(k);
            DriverEffect {
                driver: d.drivers[k],
                step,
                odds_ratio: (w[k] * scale).exp(),
                low: ((w[k] - Z95 * se[k]) * scale).exp(),
                high: ((w[k] + Z95 * se[k]) * scale).exp(),
            }
        })
        .collect();
    effects.sort_by(|a, b| b.odds_ratio.ln().abs().total_cmp(&a.odds_ratio.ln().abs()));
    Ok(DriversModel {
        target: Target::Conversion,
        calls: y.len() as u64,
        positives: positives as u64,
        sampled_from: None,
        auc,
        auc_low,
        auc_high,
        effects,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLANTED: f64 = 0.5;

    /// Outcome depends on the first feature only (log-odds +0.5 per unit);
    /// the second is noise. `shuffle` breaks the link.
    fn data(n: usize, shuffle: bool) -> (Vec<Vec<Option<f64>>>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let q = f64::from(rng.gen_range(0..10_u8));
            let noise: f64 = rng.r#gen();
            let p = 1.0 / (1.0 + (-(-2.5 + PLANTED * q)).exp());
            x.push(vec![Some(q), Some(noise)]);
            y.push(rng.r#gen::<f64>() < p);
        }
        if shuffle {
            y.shuffle(&mut rng);
        }
        (x, y)
    }

    const DRIVERS: [Driver; 2] = [
        Measure(F::AgentQuestions),
        Measure(F::CustomerSentimentStart),
    ];

    #[test]
    fn recovers_a_planted_effect_and_finds_no_effect_in_noise() {
        let (x, y) = data(2000, false);
        let m = fit(&DRIVERS, &x, &y).expect("fits");
        assert!(
            m.auc_low > 0.7,
            "AUC {} ({}–{})",
            m.auc,
            m.auc_low,
            m.auc_high
        );
        assert!(!m.at_chance());
        let q = &m.effects[0];
        assert_eq!(q.driver, DRIVERS[0], "largest effect first");
        let truth = (PLANTED * q.step).exp();
        assert!(
            q.clear() && q.low < truth && truth < q.high,
            "{q:?} vs {truth}"
        );
        let noise = &m.effects[1];
        assert!(!noise.clear(), "{noise:?}");
    }

    #[test]
    fn shuffled_outcomes_give_a_chance_level_auc() {
        let (x, y) = data(2000, true);
        let m = fit(&DRIVERS, &x, &y).expect("fits");
        assert!(
            m.at_chance(),
            "AUC {} ({}–{})",
            m.auc,
            m.auc_low,
            m.auc_high
        );
        assert!((m.auc - 0.5).abs() < 0.05, "{}", m.auc);
    }

    #[test]
    fn too_few_calls_or_no_usable_feature_is_said_not_guessed() {
        let (x, y) = data(30, false);
        assert!(matches!(
            fit(&DRIVERS, &x, &y),
            Err(Skip::TooFewCalls { .. })
        ));
        let (x, y) = data(400, false);
        let missing: Vec<Vec<Option<f64>>> = x.iter().map(|_| vec![None, Some(1.0)]).collect();
        assert_eq!(fit(&DRIVERS, &missing, &y), Err(Skip::NoFeatures));
    }
}
