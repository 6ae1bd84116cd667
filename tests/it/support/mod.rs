//! Shared test support: running the binary and reading what a run left
//! (`cli`), the mock LLM provider and small in-process fixtures.

pub mod cli;
pub mod fixtures;
pub mod llm_cli;
pub mod mock_provider;
