//! Reading call exports (CSV, XLSX, JSONL, utterance tables) into normalised calls, with row-level warnings.
