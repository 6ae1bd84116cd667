//! Shared test support: the mock LLM provider and small fixtures.

pub mod fixtures;
pub mod mock_provider;
