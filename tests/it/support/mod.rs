//! Shared test support: running the binary and reading what a run left
//! (`cli`), the mock LLM provider and small in-process fixtures.

pub mod cli;
pub mod fixtures;
pub mod llm_cli;
pub mod mock_provider;

/// A two-thread tokio runtime for tests that run the binary beside a mock.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
