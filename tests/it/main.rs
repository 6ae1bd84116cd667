//! All integration tests in one binary (as ripgrep does): one link, one
//! `support` module for the helpers every test file shares.

#![allow(dead_code)] // each test module uses a different part of the shared helpers

mod reliability_support;
mod support;

mod cli_analyze;
mod cli_llm;
mod engine_faults;
mod heuristic_analyzer;
mod heuristic_playbook;
mod heuristic_props;
mod hostile_input;
mod input_csv;
mod input_demo;
mod input_persuasionforgood;
mod input_utterances;
mod input_xlsx;
mod llm_providers;
mod llm_rate;
mod llm_validation;
mod llm_wire;
mod reliability_crash;
mod reliability_faults;
mod reliability_fs;
mod report_findings;
mod report_render;
mod security_secrets;
mod stats_persuasion;
mod transcript_formats;
mod transcript_metrics;
mod transcript_props;
mod values_props;
