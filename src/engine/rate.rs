//! Finding and holding the provider's rate limit without being told it.
//! Every request passes one pacer (requests per second) and one token pacer,
//! then takes a concurrency slot sized from the rate × the observed latency.
//!
//! - **Told**: when answers carry `x-ratelimit-limit-requests` / `-tokens`
//!   (OpenAI and compatible servers), pace just under what they say.
//! - **Probe**: otherwise start at `INITIAL_RATE` and double it every
//!   `PROBE_STEP` until the first 429.
//! - **Measure**: at the first 429, pace at the average rate accepted so far
//!   (an upper bound on the limit: it includes the server's burst) and count
//!   what the server accepts while it is at its edge: the requests sent in a
//!   window minus those answered 429. That count over the window is the
//!   limit.
//! - **Hold**: pace at `HOLD_MARGIN` × the measured limit; on a 429 of a
//!   request sent at the current rate cut the rate by `CUT`; without one
//!   probe up by `GENTLE` every `GENTLE_STEP`.
//!
//! `--rpm` / `--tpm` are upper bounds throughout. A `Retry-After` (or
//! `RetryInfo.retryDelay`) of `LONG_WAIT` or more holds the pacer, which
//! then releases the waiting requests one slot apart.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use super::limiter::{ConcurrencyLimit, Permit};
use super::pacer::Pacer;
use crate::analyze::llm::RateLimits;

/// Requests per second before anything is known.
const INITIAL_RATE: f64 = 10.0;
/// The probe doubles the rate this often until the first 429.
const PROBE_STEP: Duration = Duration::from_millis(100);
/// Fewer accepted requests than this say nothing about a rate: halve.
const MIN_SAMPLE: u64 = 4;
/// Accepted requests a measurement wants before it ends...
const MEASURE_ACCEPTED: u64 = 24;
/// ...and its shortest and longest window.
const MEASURE_MIN: Duration = Duration::from_millis(150);
const MEASURE_MAX: Duration = Duration::from_secs(2);
/// Pace this far under a measured or announced limit.
const HOLD_MARGIN: f64 = 0.99;
/// A 429 while holding cuts the rate by this share.
const CUT: f64 = 0.03;
/// Without a 429, the held rate grows by this share every `GENTLE_STEP`.
const GENTLE: f64 = 0.01;
const GENTLE_STEP: Duration = Duration::from_millis(500);
/// A server's wait this long holds every request, not only the one retried.
const LONG_WAIT: Duration = Duration::from_secs(1);
/// Requests in flight per request the rate × latency needs, and a floor.
const CONCURRENCY_HEADROOM: f64 = 2.0;
const CONCURRENCY_FLOOR: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Probe,
    Measure {
        start: Instant,
        /// When counting stopped (results still arriving).
        end: Option<Instant>,
        sent: u64,
        rejected: u64,
    },
    Hold,
    /// The provider announced its limit (requests per second).
    Told(f64),
}

#[derive(Debug)]
struct Control {
    mode: Mode,
    /// Requests per second.
    rate: f64,
    /// When the rate last changed (steps count from here).
    changed: Instant,
    /// Increments on every cut; a 429 of a request sent before it does
    /// not cut again.
    epoch: u64,
    started: Option<Instant>,
    /// Requests sent and answered 429 since the start.
    sent: u64,
    rejected: u64,
    /// Mean latency of successful answers (seconds, moving average).
    latency: Option<f64>,
    /// Longest time a 429 took to come back (seconds).
    reject_latency: f64,
}

/// Admission for one request: its concurrency slot and when it was sent.
#[derive(Debug)]
pub struct Ticket {
    pub permit: Permit,
    sent_at: Instant,
    epoch: u64,
}

#[derive(Debug)]
pub struct RateController {
    requests: Pacer,
    tokens: Pacer,
    limit: Arc<ConcurrencyLimit>,
    /// `--rpm` as requests per second.
    rate_cap: Option<f64>,
    /// `--tpm`.
    tpm_cap: Option<f64>,
    state: Mutex<Control>,
}

impl RateController {
    pub fn new(rpm: Option<u32>, tpm: Option<u64>, ceiling: usize) -> Self {
        let rate_cap = rpm.map(|r| f64::from(r) / 60.0);
        let tpm_cap = tpm.map(|t| t as f64);
        // A given --rpm is the plan's limit: start there, never above.
        let (mode, rate) = match rate_cap {
            Some(cap) => (Mode::Hold, cap),
            None => (Mode::Probe, INITIAL_RATE),
        };
        let now = Instant::now();
        RateController {
            requests: Pacer::per_minute(Some(rate * 60.0), 1.0),
            tokens: Pacer::per_minute(tpm_cap, tpm_cap.map_or(1.0, |t| t / 60.0)),
            limit: ConcurrencyLimit::new(ceiling),
            rate_cap,
            tpm_cap,
            state: Mutex::new(Control {
                mode,
                rate,
                changed: now,
                epoch: 0,
                started: None,
                sent: 0,
                rejected: 0,
                latency: None,
                reject_latency: 0.0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Control> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current pacing rate in requests per second.
    pub fn rate(&self) -> f64 {
        self.lock().rate
    }

    /// Wait until a request of `tokens` may be sent: its slot in the rate,
    /// its tokens, then a concurrency slot.
    pub async fn admit(&self, tokens: u64) -> Ticket {
        self.requests.take(1).await;
        self.tokens.take(tokens).await;
        let permit = self.limit.acquire().await;
        let now = Instant::now();
        let mut c = self.lock();
        self.tick(&mut c, now);
        c.started.get_or_insert(now);
        c.sent += 1;
        if let Mode::Measure {
            end: None, sent, ..
        } = &mut c.mode
        {
            *sent += 1;
        }
        Ticket {
            permit,
            sent_at: now,
            epoch: c.epoch,
        }
    }

    /// A request was answered (not 429) after `latency`.
    pub fn on_answer(&self, latency: Duration) {
        let mut c = self.lock();
        let l = latency.as_secs_f64();
        c.latency = Some(c.latency.map_or(l, |m| m * 0.9 + l * 0.1));
        let now = Instant::now();
        self.tick(&mut c, now);
        self.resize(&c);
    }

    /// What an answer's headers say of the limit.
    pub fn on_limits(&self, limits: &RateLimits, now: Instant) {
        if let Some(tpm) = limits.tokens_per_minute {
            let tpm = self.tpm_cap.map_or(tpm, |cap| cap.min(tpm));
            self.tokens.set_per_minute(Some(tpm * HOLD_MARGIN));
            self.tokens.set_burst(tpm / 60.0);
        }
        if let (Some(0), Some(reset)) = (limits.remaining_requests, limits.reset_requests) {
            self.requests.hold_until(now + reset);
        }
        let Some(rpm) = limits.requests_per_minute else {
            return;
        };
        let told = self.capped(rpm / 60.0);
        let mut c = self.lock();
        if c.mode != Mode::Told(told) {
            c.mode = Mode::Told(told);
            self.set_rate(&mut c, told * HOLD_MARGIN, now);
        }
    }

    /// A request was answered 429 after `latency`, with the server's wait.
    pub fn on_rate_limited(
        &self,
        ticket: &Ticket,
        latency: Duration,
        retry_after: Option<Duration>,
    ) {
        let now = Instant::now();
        if let Some(wait) = retry_after.filter(|w| *w >= LONG_WAIT) {
            self.requests.hold_until(now + wait);
        }
        let mut c = self.lock();
        c.rejected += 1;
        c.reject_latency = c.reject_latency.max(latency.as_secs_f64());
        match &mut c.mode {
            Mode::Probe => {
                let elapsed = c.started.map_or(0.0, |s| (now - s).as_secs_f64());
                let accepted = c.sent.saturating_sub(c.rejected);
                let rate = if accepted >= MIN_SAMPLE && elapsed > 0.0 {
                    (accepted as f64 / elapsed).min(c.rate)
                } else {
                    c.rate / 2.0
                };
                c.mode = Mode::Measure {
                    start: now,
                    end: None,
                    sent: 0,
                    rejected: 0,
                };
                c.epoch += 1;
                self.set_rate(&mut c, rate, now);
            }
            Mode::Measure {
                start,
                end,
                rejected,
                ..
            } => {
                let counted = ticket.sent_at >= *start && end.is_none_or(|e| ticket.sent_at <= e);
                if counted {
                    *rejected += 1;
                }
            }
            Mode::Hold | Mode::Told(_) => {
                if ticket.epoch == c.epoch {
                    c.epoch += 1;
                    let rate = c.rate * (1.0 - CUT);
                    self.set_rate(&mut c, rate, now);
                }
            }
        }
        self.tick(&mut c, now);
    }

    /// Time-driven steps: probe, end of a measurement, gentle probe.
    fn tick(&self, c: &mut Control, now: Instant) {
        match c.mode {
            Mode::Probe if now - c.changed >= PROBE_STEP => {
                let rate = self.capped(c.rate * 2.0);
                self.set_rate(c, rate, now);
            }
            Mode::Measure {
                start,
                end: None,
                sent,
                rejected,
            } => {
                let elapsed = now - start;
                let enough = sent.saturating_sub(rejected) >= MEASURE_ACCEPTED;
                if (enough && elapsed >= MEASURE_MIN) || elapsed >= MEASURE_MAX {
                    c.mode = Mode::Measure {
                        start,
                        end: Some(now),
                        sent,
                        rejected,
                    };
                }
            }
            Mode::Measure {
                start,
                end: Some(end),
                sent,
                rejected,
            } => {
                let settle = Duration::from_secs_f64((2.0 * c.reject_latency).max(0.03));
                if now >= end + settle {
                    let window = (end - start).as_secs_f64().max(1e-3);
                    let accepted = sent.saturating_sub(rejected);
                    // Too little accepted to measure (a window-based quota
                    // exhausted, or 429s that are not about the rate): halve.
                    let limit = if accepted >= MIN_SAMPLE {
                        accepted as f64 / window
                    } else {
                        c.rate / 2.0
                    };
                    c.mode = Mode::Hold;
                    c.epoch += 1;
                    let rate = self.capped(limit) * HOLD_MARGIN;
                    self.set_rate(c, rate, now);
                }
            }
            Mode::Hold if now - c.changed >= GENTLE_STEP => {
                let rate = self.capped(c.rate * (1.0 + GENTLE));
                self.set_rate(c, rate, now);
            }
            Mode::Told(told) if now - c.changed >= GENTLE_STEP && c.rate < told * HOLD_MARGIN => {
                let rate = (c.rate * (1.0 + GENTLE)).min(told * HOLD_MARGIN);
                self.set_rate(c, rate, now);
            }
            _ => {}
        }
    }

    fn capped(&self, rate: f64) -> f64 {
        self.rate_cap.map_or(rate, |cap| rate.min(cap))
    }

    fn set_rate(&self, c: &mut Control, rate: f64, now: Instant) {
        c.rate = rate;
        c.changed = now;
        self.requests.set_per_minute(Some(rate * 60.0));
        self.resize(c);
    }

    /// Enough slots for the rate at the observed latency, with headroom;
    /// the ceiling until a latency is known.
    fn resize(&self, c: &Control) {
        if let Some(latency) = c.latency {
            let needed = (c.rate * latency * CONCURRENCY_HEADROOM).ceil() as usize;
            self.limit.resize(needed.max(CONCURRENCY_FLOOR));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(r: &RateController) -> Mode {
        r.lock().mode
    }

    #[tokio::test(start_paused = true)]
    async fn probes_up_until_the_first_429_then_measures_and_holds_the_limit() {
        let r = RateController::new(None, None, 512);
        let first = r.admit(1).await;
        assert!((r.rate() - INITIAL_RATE).abs() < 1e-9);
        tokio::time::advance(PROBE_STEP * 3).await;
        let t = r.admit(1).await;
        assert!(r.rate() >= 2.0 * INITIAL_RATE, "rate doubled: {}", r.rate());
        drop((first, t));
        // A server accepting 50 per second: every other request of 100/s.
        let limited = r.admit(1).await;
        r.on_rate_limited(&limited, Duration::from_millis(1), None);
        assert!(matches!(mode(&r), Mode::Measure { .. }));
        r.set_rate(&mut r.lock(), 100.0, Instant::now());
        for i in 0..200 {
            let t = r.admit(1).await;
            if i % 2 == 0 && matches!(mode(&r), Mode::Measure { .. }) {
                r.on_rate_limited(&t, Duration::from_millis(1), None);
            }
        }
        tokio::time::advance(Duration::from_millis(200)).await;
        r.on_answer(Duration::from_millis(200));
        assert_eq!(mode(&r), Mode::Hold);
        let rate = r.rate();
        assert!((45.0..=52.0).contains(&rate), "held near 50/s: {rate}");
        // Concurrency follows rate × latency with headroom.
        assert_eq!(r.limit.current(), (rate * 0.2 * 2.0).ceil() as usize);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_while_holding_cuts_a_few_percent_once_per_rate() {
        let r = RateController::new(Some(6_000), None, 512);
        assert_eq!(mode(&r), Mode::Hold);
        let a = r.admit(1).await;
        let b = r.admit(1).await;
        r.on_rate_limited(&a, Duration::from_millis(1), None);
        r.on_rate_limited(&b, Duration::from_millis(1), None);
        assert!(
            (r.rate() - 100.0 * (1.0 - CUT)).abs() < 1e-6,
            "one cut: {}",
            r.rate()
        );
        tokio::time::advance(GENTLE_STEP).await;
        let c = r.admit(1).await;
        assert!(r.rate() > 100.0 * (1.0 - CUT), "probes up gently");
        assert!(r.rate() <= 100.0, "never above --rpm");
        drop(c);
    }

    #[tokio::test(start_paused = true)]
    async fn announced_limits_are_used_under_the_cap() {
        let r = RateController::new(Some(1_200), None, 512);
        let limits = RateLimits {
            requests_per_minute: Some(600.0),
            tokens_per_minute: Some(60_000.0),
            remaining_requests: Some(10),
            reset_requests: Some(Duration::from_millis(100)),
        };
        r.on_limits(&limits, Instant::now());
        assert!((r.rate() - 10.0 * HOLD_MARGIN).abs() < 1e-9);
        let more = RateLimits {
            requests_per_minute: Some(60_000.0),
            ..limits
        };
        r.on_limits(&more, Instant::now());
        assert!(
            (r.rate() - 20.0 * HOLD_MARGIN).abs() < 1e-9,
            "--rpm 1200 caps it"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_server_wait_holds_every_request() {
        let r = RateController::new(Some(60_000), None, 512);
        let t = r.admit(1).await;
        r.on_rate_limited(&t, Duration::from_millis(1), Some(Duration::from_secs(5)));
        let before = Instant::now();
        drop(r.admit(1).await);
        assert!(Instant::now() - before >= Duration::from_secs(5));
    }
}
