//! The fully commented `callscope.toml` that `callscope init` writes. It is
//! parsed in a test, so it cannot drift from the `Config` types.

use super::playbook::GENERIC_PLAYBOOK_TOML;

const HEAD: &str = r#"# callscope.toml: how callscope reads your export and judges your calls.
# Every key is optional; what is left out takes the default shown here.
# API keys are never read from this file: set GEMINI_API_KEY / OPENAI_API_KEY.

# ---------------------------------------------------------------------------
# Input: which columns hold what.
# ---------------------------------------------------------------------------
[input]
# Built-in column mapping to start from:
#   generic      recognises common names (id/call_id, agent/user, date/started_at/
#                call_date, duration/length_in_sec/duration_s, disposition/status/
#                outcome, transcript/transcription, team/campaign), any case.
#   vici-lgs-omc the original two-leg VICIdial export (TO_Lead_ID, TO_OMC_User,
#                TO_OMC_Duration, TO_OMC_Disposiion, three-part transcripts...).
#   custom       no defaults: name every column below.
profile = "generic"
# auto (by extension: .xlsx/.xls/.ods, .jsonl/.ndjson, else CSV) | csv | xlsx | jsonl
format = "auto"
# call-per-row | utterance-per-row (then see [input.utterances] and --calls)
layout = "call-per-row"
# XLSX sheet to read (default: the first one).
# sheet = "Calls"
# Columns not mapped below are kept as pass-through attributes. To keep only
# some of them, list them:
# passthrough = ["LQ_Company_Name", "Calls Count"]

# Call-level columns; each one given here overrides the profile.
[input.columns]
# call_id = "id"
# agent = "agent"
# team = "campaign"
# started_at = "date"          # ISO 8601 or US dialer form 12/16/2025 8:32
# duration = "duration"        # seconds, mm:ss or hh:mm:ss
# disposition = "disposition"
# transcript = ["transcript"]  # several columns are joined in order

# Multi-leg rows (e.g. an opener who transfers to a closer), in call order.
# The last leg decides the call (its duration makes it short or long).
# [[input.legs]]
# name = "opener"
# agent = "opener_agent"
# duration = "opener_duration"
# transcript = ["opener_transcript"]

# Utterance-per-row tables: one row per utterance, grouped by call id.
# [input.utterances]
# call_id = "conversation_id"
# speaker = "role"
# text = "text"
# turn = "turn"     # optional: rows of one speaker with the same turn merge
# start = "start_s" # optional, seconds
# end = "end_s"     # optional, seconds

# ---------------------------------------------------------------------------
# Speakers: which transcript labels are the agent and which the customer.
# Unlisted labels: agent/rep/closer/... and customer/client/prospect/... are
# recognised; anonymous ones (Speaker A/B) are decided by who introduces
# themselves; otherwise the role stays unknown.
# ---------------------------------------------------------------------------
[speakers]
agent = []
customer = []

# ---------------------------------------------------------------------------
# Outcomes: which disposition codes mean a conversion. Case-insensitive.
# These lists are added to the profile's legend and win over it:
#   generic      converted: sale, sold, converted, won, closed_won, success;
#                not converted: no_sale, not_interested, lost, closed_lost,
#                hung_up, hangup, declined, rejected, callback, call_back;
#                unknown: voicemail, no_answer, answering_machine, wrong_number.
#   vici-lgs-omc converted: P2P, SALE, SW; not converted: HU, NI, CR, REJNUM,
#                LB, NP, CALLBK; unknown: A, VM, N, AC.
# ---------------------------------------------------------------------------
[outcomes]
converted = []
not_converted = []
# Codes that say nothing about conversion (answering machine, voicemail...).
unknown = []
# What an unlisted code means: "unknown" (default), "converted" or "not_converted".
# default = "unknown"
# The report's words for the outcome, e.g. for a helpdesk "resolved",
# "unresolved" and "resolution". Defaults below.
# positive_label = "converted"
# negative_label = "not converted"
# rate_label = "conversion"

# ---------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------
[analysis]
# Calls whose deciding (last) leg is shorter than this are "short"; calls
# without a duration are neither, and are reported as unknown.
short_call_threshold_s = 300
# Groups (agents, days, teams) with fewer calls are flagged, not ranked.
min_group_size = 10
# A finding must also matter: a rate difference of at least this many
# percentage points, or a |Cliff's delta| of at least this on a measure.
min_effect_pp = 5
min_effect_delta = 0.2
# Most call transcripts the HTML report carries (the cited calls first).
max_report_transcripts = 200

# ---------------------------------------------------------------------------
# LLM analyzers (only with --provider)
# ---------------------------------------------------------------------------
[llm]
# Expected answer size in tokens, for estimates before answers arrive.
expected_output_tokens = 900
# Most tokens an answer may use, thinking included; sent with every request.
max_output_tokens = 8192
# Gemini 2.5 thinking budget in tokens (0 = off, -1 = the model decides).
# Thinking tokens are billed as output and counted in cost and budget.
# thinking_budget = 1024
# USD all runs into one output folder may spend together (resumed runs
# included); a run stops before crossing it. --budget-usd limits each run.
# budget_total_usd = 5.0
# Tokens a call's prompt plus answer may use; a longer call is flagged, never
# silently truncated. Default: the provider's model context.
# context_budget_tokens = 100000
# Prices in USD per million tokens, merged over the built-in table
# (gemini-2.5-flash 0.30/2.50, gpt-4o-mini 0.15/0.60; ollama is free).
# [llm.prices."my-model"]
# input_per_mtok = 0.5
# output_per_mtok = 1.5

"#;

/// The commented default configuration.
pub fn template() -> String {
    format!("{HEAD}{GENERIC_PLAYBOOK_TOML}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Playbook};

    #[test]
    fn template_parses_and_carries_the_generic_playbook() {
        let cfg = Config::parse(&template(), "template").expect("template parses");
        assert_eq!(cfg.playbook, Some(Playbook::generic()));
        assert_eq!(cfg.analysis.short_call_threshold_s, 300.0);
    }
}
