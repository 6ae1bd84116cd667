//! One synthetic call: who, when, how it went (the planted patterns decide
//! the shape), and its timed opener and closer conversations.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use rand::Rng;

use super::dialogue::{
    BUYING_SIGNALS, DISCOVERY, HANG_UPS, Line, NODS, OBJECTIONS, PITCHES, PURPOSES, PUSHES,
    QUESTIONS, Timeline, pick,
};
use super::roster::{
    Agent, BUSINESSES, CITIES, FIRST_NAMES, OPENERS, SURNAMES, agent_at, total_weight,
};

/// How the closer conversation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nobody answered; the agent leaves a message.
    Voicemail,
    /// Early objection, the agent pushes on without acknowledging, the customer hangs up.
    UnhandledObjection,
    /// The customer is busy; the agent acknowledges and books a call back.
    CallBack,
    /// A friendly start that ends early without an objection.
    Fizzle,
    /// A full conversation that does not convert.
    LongLost,
    /// A full conversation with questions, a buying signal and a close.
    LongWon,
}

/// Everything the layouts write about one call.
pub struct DemoCall {
    pub id: u64,
    pub started_at: NaiveDateTime,
    pub agent: &'static Agent,
    pub opener: &'static str,
    pub shape: Shape,
    pub company: String,
    pub contact: String,
    pub business: &'static str,
    pub city: &'static str,
    pub opener_lines: Vec<Line>,
    pub closer_lines: Vec<Line>,
    pub opener_duration: f64,
    pub closer_duration: f64,
    /// Dial attempts before this connection.
    pub attempts: u32,
}

/// First day of the three weeks of calls.
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 1).unwrap_or_default()
}

/// A weekday in the three weeks, between 8:00 and 18:00.
fn call_time(rng: &mut impl Rng) -> NaiveDateTime {
    let mut day = first_day() + Duration::days(rng.gen_range(0..21));
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(2);
    }
    let secs = rng.gen_range(8 * 3600..18 * 3600);
    day.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or_default())
}

/// Simulates call number `id`.
pub fn simulate(rng: &mut impl Rng, id: u64) -> DemoCall {
    let agent = agent_at(rng.gen_range(0..total_weight()));
    let skips_purpose = rng.gen_bool(agent.skips_purpose);
    let shape = choose_shape(rng, agent, skips_purpose);
    let business = BUSINESSES[rng.gen_range(0..BUSINESSES.len())];
    let city = CITIES[rng.gen_range(0..CITIES.len())];
    let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
    let contact = format!(
        "{} {surname}",
        FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())]
    );
    let company = format!("{surname} {}", capitalise(business));
    let opener = OPENERS[rng.gen_range(0..OPENERS.len())];
    let ctx = Ctx {
        agent: agent.name,
        contact: &contact,
        business,
        city,
    };
    let opener_lines = opener_leg(rng, &ctx, opener);
    let closer_lines = closer_leg(rng, &ctx, shape, skips_purpose);
    DemoCall {
        id,
        started_at: call_time(rng),
        agent,
        opener,
        shape,
        opener_duration: leg_duration(rng, &opener_lines),
        closer_duration: leg_duration(rng, &closer_lines),
        attempts: rng.gen_range(1..6),
        company,
        contact,
        business,
        city,
        opener_lines,
        closer_lines,
    }
}

/// The leg lasts until a few seconds after its last line.
fn leg_duration(rng: &mut impl Rng, lines: &[Line]) -> f64 {
    let end = lines.last().map_or(0.0, |l| l.end);
    (end + rng.gen_range(1.0..6.0)).round()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The planted patterns: conversion by the agent's rate; calls without a
/// purpose statement end short far more often; most short calls are an
/// unhandled early objection.
fn choose_shape(rng: &mut impl Rng, agent: &Agent, skips_purpose: bool) -> Shape {
    if rng.gen_bool(0.03) {
        return Shape::Voicemail;
    }
    if rng.gen_bool(agent.conversion) {
        return Shape::LongWon;
    }
    let short = if skips_purpose { 0.75 } else { 0.3 };
    if !rng.gen_bool(short) {
        return Shape::LongLost;
    }
    match rng.gen_range(0..20) {
        0..15 => Shape::UnhandledObjection,
        15..18 => Shape::Fizzle,
        _ => Shape::CallBack,
    }
}

struct Ctx<'a> {
    agent: &'a str,
    contact: &'a str,
    business: &'a str,
    city: &'a str,
}

fn purpose(rng: &mut impl Rng, ctx: &Ctx) -> String {
    pick(rng, &PURPOSES)
        .replace("{business}", ctx.business)
        .replace("{city}", ctx.city)
}

/// The opener qualifies the lead and transfers to the closer.
fn opener_leg(rng: &mut impl Rng, ctx: &Ctx, opener: &str) -> Vec<Line> {
    let mut t = Timeline::default();
    let first = opener.split('.').next().unwrap_or(opener);
    t.agent(
        rng,
        format!(
            "Hi, this is {} from BrightPath Local, am I speaking with {}?",
            capitalise(first),
            ctx.contact
        ),
    );
    t.customer(rng, "Yes, speaking.".to_string());
    t.agent(
        rng,
        format!(
            "Great. Are you still running the {} business in {}?",
            ctx.business, ctx.city
        ),
    );
    t.customer(rng, "Yes, we are.".to_string());
    t.agent(
        rng,
        "Would you be open to getting a few more customers this month?".to_string(),
    );
    t.customer_pick(rng, &["Sure, maybe.", "I guess so.", "Depends what it is."]);
    t.agent(
        rng,
        "Perfect, let me bring in my specialist who can explain it, one moment please.".to_string(),
    );
    t.lines
}

/// The closer's conversation, shaped by `shape`.
fn closer_leg(rng: &mut impl Rng, ctx: &Ctx, shape: Shape, skips_purpose: bool) -> Vec<Line> {
    let mut t = Timeline::default();
    if shape == Shape::Voicemail {
        let text = format!(
            "Hi {}, this is {} with BrightPath Local. {} Please call me back at 555-0134. Thanks!",
            ctx.contact,
            ctx.agent,
            purpose(rng, ctx)
        );
        t.agent(rng, text);
        return t.lines;
    }
    t.agent(
        rng,
        format!(
            "Hi {}, this is {} with BrightPath Local, thanks for holding.",
            ctx.contact, ctx.agent
        ),
    );
    t.customer_pick(rng, &["Hi.", "Okay, hi.", "Yeah, hello."]);
    if skips_purpose {
        t.agent(rng, "So, do you have a quick minute for me?".to_string());
    } else {
        let text = purpose(rng, ctx);
        t.agent(rng, text);
    }
    match shape {
        Shape::UnhandledObjection => unhandled(rng, &mut t),
        Shape::CallBack => call_back(rng, &mut t),
        Shape::Fizzle => fizzle(rng, &mut t),
        Shape::LongLost => {
            let (target, questions, objections) = (
                rng.gen_range(320.0..560.0),
                rng.gen_range(0..2),
                rng.gen_range(0..3),
            );
            conversation(rng, &mut t, target, questions, objections);
            close_lost(rng, &mut t);
        }
        Shape::LongWon => {
            let (target, questions, objections) = (
                rng.gen_range(380.0..720.0),
                rng.gen_range(2..5),
                rng.gen_range(0..3),
            );
            conversation(rng, &mut t, target, questions, objections);
            close_won(rng, &mut t);
        }
        Shape::Voicemail => {}
    }
    t.lines
}

/// Objection in the first minute, no acknowledgement, hang-up.
fn unhandled(rng: &mut impl Rng, t: &mut Timeline) {
    if rng.gen_bool(0.5) {
        let q = DISCOVERY[rng.gen_range(0..DISCOVERY.len())];
        exchange(rng, t, true, q);
    }
    let idx = rng.gen_range(0..OBJECTIONS.len());
    t.customer_pick(rng, OBJECTIONS[idx].customer);
    t.agent_pick(rng, &PUSHES);
    for _ in 0..rng.gen_range(0..3) {
        t.customer_pick(rng, OBJECTIONS[idx].customer);
        t.agent_pick(rng, &PITCHES);
    }
    t.customer_pick(rng, &HANG_UPS);
}

/// Busy customer, acknowledged, call back booked.
fn call_back(rng: &mut impl Rng, t: &mut Timeline) {
    t.customer_pick(rng, OBJECTIONS[3].customer);
    t.agent(rng, OBJECTIONS[3].rebuttal.to_string());
    t.customer(rng, "Later. Tomorrow afternoon works.".to_string());
    t.agent_pick(rng, &PITCHES);
    t.customer_pick(rng, &NODS);
    t.agent(
        rng,
        "Perfect, I'll call you tomorrow afternoon. Thank you for your time.".to_string(),
    );
}

/// A friendly start that ends before five minutes without an objection.
fn fizzle(rng: &mut impl Rng, t: &mut Timeline) {
    let target = rng.gen_range(110.0..270.0);
    conversation(rng, t, target, 0, 0);
    t.customer(
        rng,
        "Sorry, I have to go, a customer just walked in.".to_string(),
    );
    t.agent(
        rng,
        "No problem, I'll follow up by email. Thanks!".to_string(),
    );
}

/// Discovery, pitch, customer questions and handled mid-call objections,
/// until about `target` seconds.
fn conversation(
    rng: &mut impl Rng,
    t: &mut Timeline,
    target: f64,
    questions: usize,
    objections: usize,
) {
    // Each list is walked from a random offset, so a call rarely repeats itself.
    let offset = rng.gen_range(0..DISCOVERY.len());
    let (mut asked, mut objected, mut step) = (0, 0, 0);
    while t.now() < target - 40.0 {
        let k = offset + step / 4;
        match step % 4 {
            0 => exchange(rng, t, true, DISCOVERY[k % DISCOVERY.len()]),
            2 if asked < questions => {
                exchange(rng, t, false, QUESTIONS[(offset + asked) % QUESTIONS.len()]);
                asked += 1;
            }
            3 if objected < objections => {
                objected += 1;
                // Price, email, provider: the mid-call objections.
                let idx = [0, 2, 4][rng.gen_range(0..3)];
                t.customer_pick(rng, OBJECTIONS[idx].customer);
                t.agent(rng, OBJECTIONS[idx].rebuttal.to_string());
                t.customer_pick(rng, &NODS);
            }
            _ => {
                t.agent(rng, PITCHES[(k + step % 4) % PITCHES.len()].to_string());
                t.customer_pick(rng, &NODS);
            }
        }
        step += 1;
    }
    while asked < questions {
        exchange(rng, t, false, QUESTIONS[(offset + asked) % QUESTIONS.len()]);
        asked += 1;
    }
}

/// A question and its answer; `agent_asks` says who asks.
fn exchange(
    rng: &mut impl Rng,
    t: &mut Timeline,
    agent_asks: bool,
    (question, answer): (&str, &str),
) {
    t.say(rng, agent_asks, question.to_string());
    t.say(rng, !agent_asks, answer.to_string());
}

fn close_won(rng: &mut impl Rng, t: &mut Timeline) {
    t.customer(rng, BUYING_SIGNALS[0].to_string());
    t.agent(
        rng,
        "It's 149 a month, with no setup fee if we start this week.".to_string(),
    );
    t.customer_pick(rng, &BUYING_SIGNALS[1..]);
    t.agent(
        rng,
        "Great, I'll take your billing details now and send the welcome email today.".to_string(),
    );
    t.customer(rng, "Okay, let's do it.".to_string());
}

fn close_lost(rng: &mut impl Rng, t: &mut Timeline) {
    let idx = [2, 5, 1][rng.gen_range(0..3)];
    t.customer_pick(rng, OBJECTIONS[idx].customer);
    t.agent(rng, OBJECTIONS[idx].rebuttal.to_string());
    t.customer(rng, "I'll get back to you.".to_string());
    t.agent(
        rng,
        "Thank you for your time, have a great day.".to_string(),
    );
}
