//! What the analyzers need that is the same for every call of a run: the
//! playbook and its compiled phrase lists, the short-call threshold, the
//! sentence detectors and the heuristic analyzer's key; and the heuristic analysis of one call with its
//! provenance and sentence detections.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::analyze::detect::{Detectors, SentenceTag};
use crate::analyze::heuristic::{self, HEURISTIC_KEY};
use crate::analyze::key::KeyMaterial;
use crate::analyze::{Analysis, Provenance, grounding};
use crate::config::{Config, Playbook};
use crate::metrics::{self, Metrics, PhraseBook};
use crate::model::Call;

/// Everything the analyzers need that is the same for every call.
pub struct AnalysisContext {
    pub playbook: Playbook,
    /// The playbook's phrase lists, compiled once for the run.
    pub phrases: PhraseBook,
    pub threshold_s: f64,
    pub heuristic_key: String,
    /// The built-in detectors, or a trained model in front of them.
    pub detectors: Arc<Detectors>,
}

impl AnalysisContext {
    /// Fails when `[detect] model` names a model that cannot be read, or
    /// the playbook's phrases cannot be compiled.
    pub fn new(config: &Config) -> anyhow::Result<AnalysisContext> {
        let playbook = config.effective_playbook().into_owned();
        let phrases = PhraseBook::new(&playbook).context("compiling the playbook's phrases")?;
        let threshold_s = config.analysis.short_call_threshold_s;
        let detectors = match &config.detect.model {
            Some(path) => Arc::new(Detectors::load(path)?),
            None => crate::analyze::detect::builtin(),
        };
        let name = format!("{HEURISTIC_KEY}+{}", detectors.key());
        let heuristic_key = KeyMaterial::new(&playbook, threshold_s).key(&name);
        Ok(AnalysisContext {
            playbook,
            phrases,
            threshold_s,
            heuristic_key,
            detectors,
        })
    }

    /// The run's part of every analyzer key (the cache-key recipe).
    pub fn key_material(&self) -> KeyMaterial<'_> {
        KeyMaterial::new(&self.playbook, self.threshold_s)
    }

    pub fn metrics(&self, call: &Call) -> Metrics {
        metrics::compute(call, &self.playbook, &self.phrases, self.threshold_s)
    }

    /// Metrics, the heuristic insight and the sentence detections of one call.
    pub fn heuristic(&self, call: &Call) -> (Metrics, Analysis, Vec<SentenceTag>) {
        let started = Instant::now();
        let metrics = self.metrics(call);
        let tags = self.detectors.tag_call(call);
        let mut insight = heuristic::analyze(
            call,
            &metrics,
            &tags,
            &self.playbook,
            &self.phrases,
            self.threshold_s,
        );
        grounding::ground(&mut insight, call);
        let provenance = Provenance {
            analyzer: self.heuristic_key.clone(),
            latency_ms: Some(started.elapsed().as_millis() as u64),
            attempts: 1,
            ..Provenance::default()
        };
        let analysis = Analysis {
            insight: Some(insight),
            provenance,
        };
        (metrics, analysis, tags)
    }
}
