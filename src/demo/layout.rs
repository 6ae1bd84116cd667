//! Writing synthetic calls as CSV rows in the generic layout (one transcript,
//! ISO dates, `[hh:mm:ss] Agent:` lines) or the vici-lgs-omc layout (the
//! original export's columns, US dates, `Speaker A (mm:ss - mm:ss):` lines).

use std::io::{self, Write};

use rand::Rng;

use super::DemoLayout;
use super::dialogue::Line;
use super::scenario::{DemoCall, Shape};
use crate::input::profiles::vici;

const GENERIC_HEADER: [&str; 11] = [
    "call_id",
    "agent",
    "team",
    "started_at",
    "duration_s",
    "disposition",
    "transcript",
    "lead_company",
    "lead_city",
    "lead_service",
    "dial_attempts",
];

/// Extracted variables passed through in the vici layout.
const VICI_EXTRA: [&str; 3] = ["season_status", "timezone", "customer_language"];

/// The header row of a layout.
pub fn header(layout: DemoLayout) -> Vec<&'static str> {
    match layout {
        DemoLayout::Generic => GENERIC_HEADER.to_vec(),
        DemoLayout::ViciLgsOmc => {
            let mut h = vici::LEAD_QUALITY.to_vec();
            h.extend([
                vici::CALLS_COUNT,
                vici::CONNECTIONS,
                vici::LEAD_ID,
                vici::EVENT_DATE,
            ]);
            h.extend([
                vici::LGS_LENGTH,
                vici::OMC_DURATION,
                vici::OMC_DISPOSITION,
                vici::LGS_USER,
            ]);
            h.extend(vici::LGS_TRANSCRIPT);
            h.push(vici::OMC_USER);
            h.extend(vici::OMC_TRANSCRIPT);
            h.extend(VICI_EXTRA);
            h
        }
    }
}

/// The cells of one call in a layout.
pub fn row(layout: DemoLayout, call: &DemoCall, rng: &mut impl Rng) -> Vec<String> {
    match layout {
        DemoLayout::Generic => generic_row(call, rng),
        DemoLayout::ViciLgsOmc => vici_row(call, rng),
    }
}

/// Writes rows with a CSV writer over `out`.
pub fn writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new().from_writer(out)
}

/// csv errors as io errors (writing to `out` is the only way they happen).
pub fn io_error(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

fn generic_row(call: &DemoCall, rng: &mut impl Rng) -> Vec<String> {
    let disposition = match call.shape {
        Shape::Voicemail => "voicemail",
        Shape::UnhandledObjection => ["hung_up", "not_interested"][rng.gen_range(0..2)],
        Shape::CallBack | Shape::Fizzle => "callback",
        Shape::LongLost => ["not_interested", "callback", "no_sale"][rng.gen_range(0..3)],
        Shape::LongWon => "sale",
    };
    let transcript = call
        .closer_lines
        .iter()
        .map(|l| {
            format!(
                "[{}] {}: {}",
                hms(l.start),
                if l.by_agent { "Agent" } else { "Customer" },
                l.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        format!("C{:06}", call.id),
        call.agent.name.to_string(),
        call.agent.team.to_string(),
        call.started_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        format!("{}", call.closer_duration),
        disposition.to_string(),
        transcript,
        call.company.clone(),
        call.city.to_string(),
        call.business.to_string(),
        call.attempts.to_string(),
    ]
}

fn vici_row(call: &DemoCall, rng: &mut impl Rng) -> Vec<String> {
    let disposition = match call.shape {
        Shape::Voicemail => ["VM", "A"][rng.gen_range(0..2)],
        Shape::UnhandledObjection => ["HU", "NI"][rng.gen_range(0..2)],
        Shape::CallBack | Shape::Fizzle => "CALLBK",
        Shape::LongLost => ["NI", "CALLBK", "NP"][rng.gen_range(0..3)],
        Shape::LongWon => ["SALE", "SALE", "P2P", "SW"][rng.gen_range(0..4)],
    };
    let mut empty = || ["nan", "", "-"][rng.gen_range(0..3)].to_string();
    let lgs_2 = empty();
    let lgs_3 = empty();
    let omc_3 = empty();
    let omc_2_empty = empty();
    let (closer_1, closer_2) = split_transcript(&call.closer_lines, rng.gen_bool(0.15));
    let (season, timezone, language) = (
        ["High season", "Low season"][rng.gen_range(0..2)],
        ["Eastern", "Central", "Mountain", "Pacific"][rng.gen_range(0..4)],
        if rng.gen_bool(0.9) {
            "English"
        } else {
            "Spanish"
        },
    );
    vec![
        call.company.clone(),
        format!("{} Main St, {}", 100 + call.id % 900, call.city),
        call.business.to_string(),
        call.contact.clone(),
        call.attempts.to_string(),
        "1".to_string(),
        (500_000 + call.id).to_string(),
        call.started_at.format("%m/%d/%Y %-H:%M").to_string(),
        format!("{}", call.opener_duration),
        format!("{}", call.closer_duration),
        disposition.to_string(),
        call.opener.to_string(),
        speaker_lines(&call.opener_lines),
        lgs_2,
        lgs_3,
        call.agent.name.to_string(),
        closer_1,
        closer_2.unwrap_or(omc_2_empty),
        omc_3,
        season.to_string(),
        timezone.to_string(),
        language.to_string(),
    ]
}

/// The whole transcript, or (when `split`) its two halves at a line break.
fn split_transcript(lines: &[Line], split: bool) -> (String, Option<String>) {
    let mid = lines.len() / 2;
    if split && mid > 0 {
        (
            speaker_lines(&lines[..mid]) + "\n",
            Some(speaker_lines(&lines[mid..])),
        )
    } else {
        (speaker_lines(lines), None)
    }
}

fn speaker_lines(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "Speaker {} ({} - {}): {}",
                if l.by_agent { "A" } else { "B" },
                ms(l.start),
                ms(l.end),
                l.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn hms(s: f64) -> String {
    let s = s as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn ms(s: f64) -> String {
    let s = s as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}
