//! Learning from labelled sentences, usable from any pipeline stage (it
//! imports nothing from the pipeline): text normalisation, a sentence
//! featuriser (hashed word and character n-grams with negation and modal
//! cues) and a sparse linear model (one logistic-regression head per label)
//! with training, probabilities, and a versioned, hashed file format; and
//! the fixed train/test split of labelled calls.
//!
//! Why hand-written: the maintained Rust learners take dense `ndarray`
//! matrices (linfa-logistic, smartcore), which do not scale to 2^18 hashed
//! n-gram columns; the `liblinear` bindings (last release 2019, Rust 2015,
//! the retired `failure` crate, Windows binaries in the package) are not
//! maintained. Sparse logistic regression by AdaGrad SGD is ~200 lines,
//! deterministic (seeded), and trains the built-in detectors in seconds.

pub mod features;
pub mod linear;
pub mod split;
pub mod text;

pub use features::{FeatureSpec, SparseVec};
pub use linear::{Example, LinearModel, ModelError, TrainOptions};
pub use split::Part;
