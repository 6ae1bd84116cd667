//! The streaming pipeline: calls flow through metrics and an analyzer into the store with bounded, rate-adaptive concurrency.
