//! Shared test support: the mock LLM provider and small fixtures.

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
