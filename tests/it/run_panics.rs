//! A panic inside a run (here in the LLM engine, from a grounder that
//! panics on every answer) ends the run with an error naming it, never as
//! a success with calls quietly missing.

use std::path::Path;
use std::sync::Arc;

use callscope::analyze::Insight;
use callscope::analyze::llm::{LlmAnalyzer, ProviderKind, ProviderOptions};
use callscope::config::Config;
use callscope::engine::{EngineOptions, Scheduler};
use callscope::input::InputSpec;
use callscope::model::Call;
use callscope::run::progress::{Billing, Progress, ProgressMode};
use callscope::run::{AnalysisContext, Executor, RunPlan};
use callscope::store::Store;

use crate::support::cli::runtime;
use crate::support::mock_provider::{Dialect, MockConfig, MockProvider};

fn grounder_with_a_bug(_: &mut Insight, call: &Call) {
    panic!("grounding bug on call {}", call.id);
}

#[test]
fn a_panic_in_the_engine_is_an_error_not_a_quiet_success() {
    let rt = runtime();
    let mock = rt.block_on(MockProvider::start(MockConfig::default()));
    let config = Config::default();
    let ctx = Arc::new(AnalysisContext::new(&config).expect("built-in detectors"));
    let opts = ProviderOptions {
        base_url: Some(mock.base_url(Dialect::OpenAi)),
        ..ProviderOptions::new(ProviderKind::OpenAi)
    };
    let analyzer = LlmAnalyzer::new(
        &opts,
        &ctx.playbook,
        &config.llm,
        Some("test-key".into()),
        grounder_with_a_bug,
    )
    .expect("analyzer");
    let key = analyzer.analyzer_key().to_string();
    let scheduler = Arc::new(Scheduler::new(Arc::new(analyzer), EngineOptions::default()));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("callscope.db")).expect("store");
    let spec = InputSpec {
        path: Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-calls.csv"),
        calls_meta: None,
    };
    let run = store.begin_run(&key, "demo", &config).expect("run");
    let plan = RunPlan {
        rows: callscope::input::open(&spec, &config).expect("input opens"),
        ctx,
        store: &store,
        run,
        analyzer_key: key,
        limit: Some(3),
        progress: Progress::new(ProgressMode::Hidden, None, Billing::Priced),
    };
    let result = callscope::run::run(plan, Executor::Llm(scheduler), &mut |_| {});
    let error = result.expect_err("the run fails").to_string();
    assert!(error.contains("panicked"), "{error}");
    assert!(error.contains("grounding bug on call"), "{error}");
}
