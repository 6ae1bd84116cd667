//! The application layer: owns one run from start to finish. Settings are
//! resolved once from flags, configuration file, profile and environment;
//! the driver streams the input through an executor (heuristic or LLM
//! engine) into the store; publishing writes the report and exports. The
//! stage modules below know nothing of flags; the command line above only
//! parses and prints.

pub mod analyze;
pub mod batch;
pub mod context;
mod executor;
pub mod interrupt;
pub mod output_lock;
pub mod pipeline;
pub mod progress;
pub mod publish;
pub mod settings;
mod writer;

pub use context::AnalysisContext;
pub use executor::Executor;
pub use pipeline::{RunPlan, dry_run, run};
pub use settings::{AnalyzeArgs, LlmArgs, LlmSettings, OutputArgs, Settings};
pub use writer::RunCounts;
