//! A sparse linear classifier: one logistic-regression head per label
//! (one-vs-rest, so a sentence may carry several labels and a head may be
//! trained on only the examples labelled for it), trained by AdaGrad SGD with
//! L2 regularisation over hashed features. Each head's decision threshold is
//! chosen by cross-fitting on the training data (the F1-best threshold of
//! out-of-fold probabilities), because the labels are rare and imbalanced.
//!
//! The file format: magic `CSLM`, a format version, then an LZ4 block of a
//! JSON header (name, feature spec, heads, thresholds, biases) and each
//! head's non-zero weights as little-endian `(u32 bucket, f32 weight)` pairs.
//! The model's content hash (BLAKE3 of that file) names it in cache keys.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::features::{FeatureSpec, SparseVec};

const MAGIC: &[u8; 4] = b"CSLM";
/// Bump when the file layout or the featuriser's meaning changes.
pub const FORMAT_VERSION: u32 = 1;
/// Weights smaller than this are dropped when saving.
const PRUNE_BELOW: f32 = 1e-4;
/// Folds for choosing the decision thresholds.
const CALIBRATION_FOLDS: u64 = 4;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a callscope model file (bad magic bytes)")]
    BadMagic,
    #[error(
        "model format version {0} is not supported (this build reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u32),
    #[error("corrupt model file: {0}")]
    Corrupt(String),
    #[error("head `{0}` has no positive or no negative training example")]
    OneClass(String),
    #[error("an example has {got} labels for {heads} heads")]
    LabelCount { got: usize, heads: usize },
}

/// One training example: its features, a label per head (`None` = not
/// labelled for that head) and a group (e.g. a hash of the call id) that
/// keeps related examples in one fold.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: SparseVec,
    pub labels: Vec<Option<bool>>,
    pub group: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    pub epochs: u32,
    pub learning_rate: f32,
    pub l2: f32,
    pub seed: u64,
    /// Choose each head's threshold by cross-fitting (else 0.5).
    pub calibrate: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            learning_rate: 0.2,
            l2: 1e-6,
            seed: 7,
            calibrate: true,
        }
    }
}

/// The JSON header of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Header {
    name: String,
    spec: FeatureSpec,
    heads: Vec<String>,
    thresholds: Vec<f32>,
    bias: Vec<f32>,
    /// The context block's weight the examples were featurised with
    /// (`FeatureSpec::featurize_in_context`); 0 = none, and then not saved,
    /// so models without context keep their bytes and hash.
    #[serde(default, skip_serializing_if = "is_zero")]
    context_weight: f32,
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

/// A trained model: heads over one feature space.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    header: Header,
    /// `buckets × heads`, interleaved by bucket (one cache line per feature).
    weights: Vec<f32>,
    hash: String,
}

impl LinearModel {
    /// Fits one head per name in `heads` on `examples`.
    pub fn train(
        name: &str,
        spec: FeatureSpec,
        heads: Vec<String>,
        examples: &[Example],
        opts: &TrainOptions,
    ) -> Result<LinearModel, ModelError> {
        Self::train_in_context(name, spec, heads, examples, opts, 0.0)
    }

    /// Like `train`, for examples featurised with a context block of
    /// `context_weight`; the model records it (`context_weight`) so that
    /// whoever applies it featurises the same way.
    pub fn train_in_context(
        name: &str,
        spec: FeatureSpec,
        heads: Vec<String>,
        examples: &[Example],
        opts: &TrainOptions,
        context_weight: f32,
    ) -> Result<LinearModel, ModelError> {
        check_examples(&heads, examples)?;
        let fitted = Fit::run(&spec, heads.len(), examples, opts, |_| true);
        let thresholds = if opts.calibrate {
            calibrate(&spec, heads.len(), examples, opts)
        } else {
            vec![0.5; heads.len()]
        };
        let header = Header {
            name: name.to_string(),
            spec,
            heads,
            thresholds,
            bias: fitted.bias,
            context_weight,
        };
        Ok(LinearModel::sealed(header, fitted.weights))
    }

    /// Gives the model its content hash (of its saved form).
    fn sealed(header: Header, mut weights: Vec<f32>) -> LinearModel {
        weights
            .iter_mut()
            .filter(|w| w.abs() < PRUNE_BELOW)
            .for_each(|w| *w = 0.0);
        let mut model = LinearModel {
            header,
            weights,
            hash: String::new(),
        };
        model.hash = hash_of(&model.to_bytes());
        model
    }

    pub fn name(&self) -> &str {
        &self.header.name
    }

    /// First 16 hex digits of the BLAKE3 hash of the saved model.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn heads(&self) -> &[String] {
        &self.header.heads
    }

    pub fn head(&self, name: &str) -> Option<usize> {
        self.header.heads.iter().position(|h| h == name)
    }

    /// The probability at or above which `head` says yes.
    pub fn threshold(&self, head: usize) -> f32 {
        self.header.thresholds.get(head).copied().unwrap_or(0.5)
    }

    pub fn spec(&self) -> &FeatureSpec {
        &self.header.spec
    }

    /// The weight of the context block its features carry (0 = none).
    pub fn context_weight(&self) -> f32 {
        self.header.context_weight
    }

    /// The probability of every head for one feature vector.
    pub fn predict(&self, x: &SparseVec) -> Vec<f32> {
        let mut margins = self.header.bias.clone();
        add_margins(&self.weights, x, &mut margins);
        margins.into_iter().map(sigmoid).collect()
    }

    /// Featurises `sentence` and predicts every head.
    pub fn predict_text(&self, sentence: &str) -> Vec<f32> {
        self.predict(&self.header.spec.featurize(sentence))
    }

    /// The saved form (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let heads = self.header.heads.len();
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let mut body = Vec::with_capacity(header.len() + 8 * self.weights.len() / 8);
        push_u32(&mut body, header.len());
        body.extend_from_slice(&header);
        for h in 0..heads {
            let nonzero: Vec<(usize, f32)> = self
                .weights
                .iter()
                .skip(h)
                .step_by(heads.max(1))
                .copied()
                .enumerate()
                .filter(|(_, w)| *w != 0.0)
                .collect();
            push_u32(&mut body, nonzero.len());
            for (bucket, w) in nonzero {
                push_u32(&mut body, bucket);
                body.extend_from_slice(&w.to_le_bytes());
            }
        }
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&lz4_flex::compress_prepend_size(&body));
        out
    }

    /// Reads a saved model, checking its magic bytes, version and layout.
    pub fn from_bytes(bytes: &[u8]) -> Result<LinearModel, ModelError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(ModelError::BadMagic)?;
        let mut r = Reader(rest);
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(ModelError::UnsupportedVersion(version));
        }
        let body = lz4_flex::decompress_size_prepended(r.0)
            .map_err(|e| ModelError::Corrupt(e.to_string()))?;
        let mut r = Reader(&body);
        let header_len = r.len()?;
        let header: Header = serde_json::from_slice(r.take(header_len)?)
            .map_err(|e| ModelError::Corrupt(format!("header: {e}")))?;
        check_header(&header)?;
        let heads = header.heads.len();
        let buckets = header.spec.buckets();
        let mut weights = vec![0.0f32; buckets * heads];
        for h in 0..heads {
            for _ in 0..r.len()? {
                let bucket = r.len()?;
                let w = f32::from_le_bytes(r.array()?);
                let slot = weights
                    .get_mut(bucket * heads + h)
                    .ok_or_else(|| ModelError::Corrupt(format!("bucket {bucket} out of range")))?;
                *slot = w;
            }
        }
        Ok(LinearModel {
            header,
            weights,
            hash: hash_of(bytes),
        })
    }
}

fn hash_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_string()
}

fn check_examples(heads: &[String], examples: &[Example]) -> Result<(), ModelError> {
    if let Some(e) = examples.iter().find(|e| e.labels.len() != heads.len()) {
        return Err(ModelError::LabelCount {
            got: e.labels.len(),
            heads: heads.len(),
        });
    }
    for (h, name) in heads.iter().enumerate() {
        let has = |v: bool| examples.iter().any(|e| e.labels[h] == Some(v));
        if !has(true) || !has(false) {
            return Err(ModelError::OneClass(name.clone()));
        }
    }
    Ok(())
}

fn check_header(h: &Header) -> Result<(), ModelError> {
    let n = h.heads.len();
    if h.spec.bits == 0 || h.spec.bits > 24 {
        return Err(ModelError::Corrupt(format!("{} hash bits", h.spec.bits)));
    }
    if h.thresholds.len() != n || h.bias.len() != n {
        return Err(ModelError::Corrupt(
            "thresholds or biases do not match the heads".into(),
        ));
    }
    Ok(())
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn add_margins(weights: &[f32], x: &SparseVec, margins: &mut [f32]) {
    let heads = margins.len();
    for &(bucket, value) in x {
        let at = bucket as usize * heads;
        if let Some(ws) = weights.get(at..at + heads) {
            for (m, w) in margins.iter_mut().zip(ws) {
                *m += w * value;
            }
        }
    }
}

/// Weights and biases while fitting, with AdaGrad's squared-gradient sums.
struct Fit {
    weights: Vec<f32>,
    bias: Vec<f32>,
    grad_sq: Vec<f32>,
    bias_grad_sq: Vec<f32>,
}

impl Fit {
    /// Fits every head on the examples `keep` accepts.
    fn run(
        spec: &FeatureSpec,
        heads: usize,
        examples: &[Example],
        opts: &TrainOptions,
        keep: impl Fn(&Example) -> bool,
    ) -> Fit {
        let mut fit = Fit {
            weights: vec![0.0; spec.buckets() * heads],
            bias: vec![0.0; heads],
            grad_sq: vec![0.0; spec.buckets() * heads],
            bias_grad_sq: vec![0.0; heads],
        };
        let used: Vec<&Example> = examples.iter().filter(|e| keep(e)).collect();
        let positive_weight = positive_weights(heads, &used);
        let mut order: Vec<usize> = (0..used.len()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        for _ in 0..opts.epochs {
            order.shuffle(&mut rng);
            for &i in &order {
                fit.step(used[i], &positive_weight, opts);
            }
        }
        fit
    }

    fn step(&mut self, e: &Example, positive_weight: &[f32], opts: &TrainOptions) {
        let heads = self.bias.len();
        let mut margins = self.bias.clone();
        add_margins(&self.weights, &e.features, &mut margins);
        for (h, label) in e.labels.iter().enumerate() {
            let Some(y) = *label else { continue };
            let p = sigmoid(margins[h]);
            let g = if y { (p - 1.0) * positive_weight[h] } else { p };
            for &(bucket, value) in &e.features {
                let at = bucket as usize * heads + h;
                let grad = g * value + opts.l2 * self.weights[at];
                self.grad_sq[at] += grad * grad;
                self.weights[at] -= opts.learning_rate * grad / (self.grad_sq[at].sqrt() + 1e-6);
            }
            self.bias_grad_sq[h] += g * g;
            self.bias[h] -= opts.learning_rate * g / (self.bias_grad_sq[h].sqrt() + 1e-6);
        }
    }

    fn margins(&self, x: &SparseVec) -> Vec<f32> {
        let mut margins = self.bias.clone();
        add_margins(&self.weights, x, &mut margins);
        margins
    }
}

/// Positives weigh `sqrt(negatives / positives)` per head: rare labels are
/// not drowned, and the threshold does the rest.
fn positive_weights(heads: usize, examples: &[&Example]) -> Vec<f32> {
    (0..heads)
        .map(|h| {
            let count = |v: bool| examples.iter().filter(|e| e.labels[h] == Some(v)).count();
            let (pos, neg) = (count(true), count(false));
            if pos == 0 {
                1.0
            } else {
                ((neg as f32) / (pos as f32)).sqrt().max(1.0)
            }
        })
        .collect()
}

/// Each head's F1-best threshold over out-of-fold probabilities.
fn calibrate(
    spec: &FeatureSpec,
    heads: usize,
    examples: &[Example],
    opts: &TrainOptions,
) -> Vec<f32> {
    let mut scored: Vec<Vec<(f32, bool)>> = vec![Vec::new(); heads];
    for fold in 0..CALIBRATION_FOLDS {
        // The high bits of the group, so that calibrating inside a fold of
        // `cross_validate` (which splits by the low bits) still has folds.
        let in_fold = |e: &Example| (e.group >> 32) % CALIBRATION_FOLDS == fold;
        let fit = Fit::run(spec, heads, examples, opts, |e| !in_fold(e));
        for e in examples.iter().filter(|e| in_fold(e)) {
            let margins = fit.margins(&e.features);
            for (h, label) in e.labels.iter().enumerate() {
                if let Some(y) = label {
                    scored[h].push((sigmoid(margins[h]), *y));
                }
            }
        }
    }
    scored.into_iter().map(best_threshold).collect()
}

/// One head's confusion counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Confusion {
    pub fn f1(&self) -> f64 {
        let denominator = 2 * self.tp + self.fp + self.fn_;
        if denominator == 0 {
            0.0
        } else {
            2.0 * self.tp as f64 / denominator as f64
        }
    }
}

/// K-fold cross-validation by group: each fold is judged by a model trained
/// (and, with `opts.calibrate`, given thresholds by its own inner
/// cross-fitting) on the other folds only, so the figures are what the whole
/// training procedure would score on calls it never saw.
pub fn cross_validate(
    spec: &FeatureSpec,
    heads: usize,
    examples: &[Example],
    opts: &TrainOptions,
    folds: u64,
) -> Vec<Confusion> {
    let mut out = vec![Confusion::default(); heads];
    for fold in 0..folds.max(2) {
        let in_fold = |e: &Example| e.group % folds.max(2) == fold;
        let train: Vec<Example> = examples.iter().filter(|e| !in_fold(e)).cloned().collect();
        let fit = Fit::run(spec, heads, &train, opts, |_| true);
        let thresholds = if opts.calibrate {
            calibrate(spec, heads, &train, opts)
        } else {
            vec![0.5; heads]
        };
        for e in examples.iter().filter(|e| in_fold(e)) {
            let margins = fit.margins(&e.features);
            for (h, label) in e.labels.iter().enumerate() {
                let Some(y) = *label else { continue };
                let said = sigmoid(margins[h]) >= thresholds[h];
                let c = &mut out[h];
                match (said, y) {
                    (true, true) => c.tp += 1,
                    (true, false) => c.fp += 1,
                    (false, true) => c.fn_ += 1,
                    (false, false) => {}
                }
            }
        }
    }
    out
}

/// The threshold maximising F1 (midway between neighbouring scores),
/// kept within [0.05, 0.95]; 0.5 when there is nothing to choose from.
pub fn best_threshold(mut scored: Vec<(f32, bool)>) -> f32 {
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|(_, y)| *y).count();
    let (mut tp, mut best_f1, mut best) = (0usize, 0.0f64, 0.5f32);
    for (i, (p, y)) in scored.iter().enumerate() {
        tp += usize::from(*y);
        let f1 = 2.0 * tp as f64 / ((i + 1) as f64 + positives as f64);
        if f1 > best_f1 {
            best_f1 = f1;
            let next = scored.get(i + 1).map_or(0.0, |n| n.0);
            best = (p + next) / 2.0;
        }
    }
    best.clamp(0.05, 0.95)
}

fn push_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

/// A bounds-checked little-endian reader.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        if n > self.0.len() {
            return Err(ModelError::Corrupt("file is truncated".into()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array(&mut self) -> Result<[u8; 4], ModelError> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn len(&mut self) -> Result<usize, ModelError> {
        Ok(self.u32()? as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples(spec: &FeatureSpec) -> Vec<Example> {
        let pos = [
            "I can't afford it",
            "too expensive for me",
            "no money right now",
        ];
        let neg = [
            "sounds great",
            "tell me more",
            "yes I can do that",
            "what a nice day",
        ];
        let mut out = Vec::new();
        for (i, (texts, y)) in [(&pos[..], true), (&neg[..], false)].iter().enumerate() {
            for (j, t) in texts.iter().enumerate() {
                out.push(Example {
                    features: spec.featurize(t),
                    labels: vec![Some(*y), if i == 0 { None } else { Some(j % 2 == 0) }],
                    group: (i * 10 + j) as u64,
                });
            }
        }
        out
    }

    #[test]
    fn learns_separable_heads_and_round_trips_bytes() {
        let spec = FeatureSpec::default();
        let heads = vec!["objection".to_string(), "other".to_string()];
        let opts = TrainOptions {
            calibrate: false,
            epochs: 30,
            ..TrainOptions::default()
        };
        let model = LinearModel::train("t", spec.clone(), heads, &examples(&spec), &opts).unwrap();
        assert!(model.predict_text("I can't afford it")[0] > 0.5);
        assert!(model.predict_text("sounds great")[0] < 0.5);
        let bytes = model.to_bytes();
        let back = LinearModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.hash(), model.hash());
        assert_eq!(
            back.predict_text("too expensive"),
            model.predict_text("too expensive")
        );
        assert_eq!(back.head("other"), Some(1));
    }

    #[test]
    fn training_is_deterministic_and_calibrated_thresholds_are_bounded() {
        let spec = FeatureSpec::default();
        let heads = vec!["objection".to_string(), "other".to_string()];
        let ex = examples(&spec);
        let opts = TrainOptions::default();
        let a = LinearModel::train("t", spec.clone(), heads.clone(), &ex, &opts).unwrap();
        let b = LinearModel::train("t", spec, heads, &ex, &opts).unwrap();
        assert_eq!(a.hash(), b.hash());
        assert!((0.05..=0.95).contains(&a.threshold(0)));
    }

    #[test]
    fn refuses_one_class_heads_and_bad_files() {
        let spec = FeatureSpec::default();
        let mut ex = examples(&spec);
        ex.iter_mut().for_each(|e| e.labels[0] = Some(true));
        let err = LinearModel::train(
            "t",
            spec,
            vec!["a".into(), "b".into()],
            &ex,
            &TrainOptions::default(),
        );
        assert!(matches!(err, Err(ModelError::OneClass(h)) if h == "a"));
        assert!(matches!(
            LinearModel::from_bytes(b"nope"),
            Err(ModelError::BadMagic)
        ));
        let mut truncated = b"CSLM".to_vec();
        truncated.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        truncated.extend_from_slice(&[5, 0, 0, 0, 1]);
        assert!(matches!(
            LinearModel::from_bytes(&truncated),
            Err(ModelError::Corrupt(_))
        ));
    }

    #[test]
    fn best_threshold_separates_scores() {
        let t = best_threshold(vec![(0.9, true), (0.8, true), (0.3, false), (0.1, false)]);
        assert!((0.3..0.8).contains(&t));
    }

    #[test]
    fn cross_validation_judges_every_labelled_example_once() {
        let spec = FeatureSpec::default();
        let ex = examples(&spec);
        let counts = cross_validate(&spec, 2, &ex, &TrainOptions::default(), 3);
        let positives = |h: usize| ex.iter().filter(|e| e.labels[h] == Some(true)).count();
        for (h, c) in counts.iter().enumerate() {
            assert_eq!((c.tp + c.fn_) as usize, positives(h));
            assert!((0.0..=1.0).contains(&c.f1()));
        }
    }

    #[test]
    fn a_model_records_its_context_weight_and_plain_models_keep_their_bytes() {
        let spec = FeatureSpec::default();
        let heads = vec!["objection".to_string(), "other".to_string()];
        let opts = TrainOptions {
            calibrate: false,
            ..TrainOptions::default()
        };
        let ex = examples(&spec);
        let plain = LinearModel::train("t", spec.clone(), heads.clone(), &ex, &opts).unwrap();
        let with = LinearModel::train_in_context("t", spec, heads, &ex, &opts, 0.5).unwrap();
        assert_eq!(plain.context_weight(), 0.0);
        assert!(
            !String::from_utf8_lossy(
                &lz4_flex::decompress_size_prepended(&plain.to_bytes()[8..]).unwrap()
            )
            .contains("context_weight")
        );
        let back = LinearModel::from_bytes(&with.to_bytes()).unwrap();
        assert_eq!(back.context_weight(), 0.5);
        assert_ne!(plain.hash(), with.hash());
    }
}
