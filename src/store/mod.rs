//! The SQLite store: calls, metrics and analyses keyed by call id, content hash and analyzer key; resume and exports read from it.
