//! All integration tests in one binary (as ripgrep does): one link, one
//! `support` module for the helpers every test file shares.

#![allow(dead_code)] // each test module uses a different part of the shared helpers

mod support;

mod cache_key;
mod cli_analyze;
mod cli_llm;
mod detectors;
mod engine_faults;
mod export_formats;
mod heuristic_analyzer;
mod heuristic_playbook;
mod heuristic_props;
mod hostile_config;
mod hostile_input;
mod hostile_signals;
mod input_csv;
mod input_demo;
mod input_files;
mod input_persuasionforgood;
mod input_utterances;
mod input_xlsx;
mod layers;
mod llm_batch;
mod llm_budget;
mod llm_providers;
mod llm_rate;
mod llm_validation;
mod llm_wire;
mod narrative_scheduler;
mod output_equivalence;
mod provider_guard;
mod reliability_crash;
mod reliability_faults;
mod reliability_fs;
mod report_applicability;
mod report_drivers;
mod report_findings;
mod report_html;
mod report_render;
mod run_guard;
mod run_panics;
mod run_progress;
mod security_secrets;
mod stats_persuasion;
mod transcript_formats;
mod transcript_metrics;
mod transcript_props;
mod transcript_roles;
mod values_props;
