//! callscope: why calls do not convert, and what each agent should do
//! differently. The modules follow the pipeline:
//! input -> transcript -> metrics -> analyze -> engine -> store -> stats -> report,
//! with the run layer (`run`) driving a run and the command line (`cli`) above.

pub mod analyze;
pub mod cli;
pub mod config;
pub mod demo;
pub mod engine;
pub mod eval;
pub mod export;
pub mod input;
pub mod learn;
pub mod metrics;
pub mod model;
pub mod report;
pub mod run;
pub mod stats;
pub mod store;
pub mod transcript;
