//! The built-in detector model, shipped inside the binary. It is written by
//! `scripts/train-builtin` (`callscope train` on the training part of
//! `data/persuasionforgood-annotated/`); a unit test checks it loads.

use std::sync::{Arc, OnceLock};

use crate::learn::LinearModel;

use super::Detectors;

static BYTES: &[u8] = include_bytes!("builtin.cslm");

/// The built-in model.
pub(super) fn model() -> &'static LinearModel {
    static MODEL: OnceLock<LinearModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        LinearModel::from_bytes(BYTES).expect("the built-in model is checked by a unit test")
    })
}

/// The built-in detectors.
pub fn builtin() -> Arc<Detectors> {
    static DETECTORS: OnceLock<Arc<Detectors>> = OnceLock::new();
    let detectors = DETECTORS.get_or_init(|| {
        Arc::new(
            Detectors::new(vec![model().clone()])
                .expect("the built-in model has every head (checked by a unit test)"),
        )
    });
    Arc::clone(detectors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::detect::Head;

    #[test]
    fn builtin_model_loads_with_every_head() {
        let model = LinearModel::from_bytes(BYTES).unwrap();
        for head in Head::ALL {
            assert!(model.head(head.as_str()).is_some(), "{}", head.as_str());
        }
        assert!(builtin().key().starts_with("detect-v1:"));
    }
}
