//! Synthetic example calls with planted patterns, in the generic or the
//! vici-lgs-omc layout. Deterministic for a seed (ChaCha8, one stream per
//! call, so the first N calls of a bigger run are the same calls) and
//! streaming: each call is generated, written and dropped.
//!
//! Planted patterns (asserted by `tests/input_demo.rs` from the parsed calls):
//! - (a) Maria Lopez converts about 45 % of her calls; every other agent about 12 %.
//! - (b) Most short calls (< 300 s; about 70 %) end after an unhandled
//!   customer objection in the first minute: the agent pushes on without
//!   acknowledging it and the customer hangs up (the customer has the last
//!   word). The rest are voicemails, acknowledged call-backs and friendly
//!   starts cut short (1-4.5 min) without an objection.
//! - (c) Converted calls have more customer questions (2-4 against 0-1) and
//!   always a buying signal ("how much would that be", "what would the next
//!   step be", "sounds good"); other calls never have one.
//! - (d) Tom Reed, Marcus Green and Lucas Silva usually skip the purpose
//!   statement ("The reason for my call is..." / "I'm calling because...");
//!   calls without it end short about 75 % of the time when they do not
//!   convert, against 30 % for calls with it.
//!
//! Objections use the generic playbook's wording ("it's too expensive", "I'm
//! not interested", "send me an email", "I'm busy right now", "we already
//! have someone", "I need to talk to my partner"); rebuttals acknowledge ("I
//! understand"), add value and ask a question.

mod dialogue;
mod layout;
mod roster;
mod scenario;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The column layout of the generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemoLayout {
    /// One row per call, one transcript, ISO dates; read by the `generic` profile.
    #[default]
    Generic,
    /// The original two-leg export; read by the `vici-lgs-omc` profile.
    ViciLgsOmc,
}

impl DemoLayout {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoLayout::Generic => "generic",
            DemoLayout::ViciLgsOmc => "vici-lgs-omc",
        }
    }
}

impl fmt::Display for DemoLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DemoLayout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [DemoLayout::Generic, DemoLayout::ViciLgsOmc]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown layout `{s}` (expected generic or vici-lgs-omc)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    pub calls: usize,
    pub seed: u64,
    pub layout: DemoLayout,
}

/// Writes `opts.calls` synthetic calls as CSV to `out`.
pub fn generate(opts: &DemoOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = layout::writer(out);
    writer
        .write_record(layout::header(opts.layout))
        .map_err(layout::io_error)?;
    for i in 0..opts.calls {
        let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
        rng.set_stream(i as u64);
        let call = scenario::simulate(&mut rng, i as u64 + 1);
        let row = layout::row(opts.layout, &call, &mut rng);
        writer.write_record(&row).map_err(layout::io_error)?;
    }
    writer.flush()
}
