//! The engine against each injected fault: rate limits (both providers'
//! 429 formats, with and without a client-side RPM), 5xx, hangs, daily
//! quota / insufficient_quota, budget, dry run, Ctrl-C, and streaming
//! without a batch barrier. No call is ever answered twice.

use std::sync::Arc;
use std::time::Duration;

use callscope::analyze::llm::{LlmAnalyzer, ProviderKind};
use callscope::engine::{self, Backoff, EngineOptions, JobResult, RunStats, Shutdown, StopReason};
use futures::{StreamExt, stream};

use crate::support::fixtures;
use crate::support::mock_provider::{Fault, MockConfig, MockProvider};

fn quick() -> EngineOptions {
    EngineOptions {
        backoff: Backoff {
            base: Duration::from_millis(2),
            max: Duration::from_millis(20),
        },
        ..EngineOptions::default()
    }
}

async fn run_with(
    analyzer: Arc<LlmAnalyzer>,
    calls: usize,
    opts: EngineOptions,
) -> (Vec<JobResult>, RunStats) {
    let mut results = Vec::new();
    let jobs = fixtures::jobs(fixtures::real_calls(calls));
    let stats = engine::run(stream::iter(jobs), analyzer, opts, |r| results.push(r)).await;
    (results, stats)
}

fn assert_each_answered_once(mock: &MockProvider, calls: usize) {
    let answers = mock.answers_per_call();
    assert_eq!(answers.len(), calls, "every call answered");
    assert!(
        answers.values().all(|&n| n == 1),
        "no call answered twice: {answers:?}"
    );
}

#[tokio::test]
async fn rate_limits_are_retried_in_each_providers_format() {
    for kind in [ProviderKind::Gemini, ProviderKind::OpenAi] {
        let cfg = MockConfig {
            per_call_faults: vec![Fault::RateLimit, Fault::RateLimit],
            ..MockConfig::default()
        };
        let mock = MockProvider::start(cfg).await;
        let (results, stats) = run_with(
            fixtures::analyzer(&mock, kind, Duration::from_secs(5)),
            6,
            quick(),
        )
        .await;
        assert_eq!((stats.done, stats.failed), (6, 0), "{kind:?}");
        assert_eq!(stats.http_429, 12, "{kind:?}");
        assert_eq!(mock.count_status(429), 12);
        assert!(results.iter().all(|r| r.analysis.provenance.attempts == 3));
        assert_each_answered_once(&mock, 6);
    }
}

#[tokio::test]
async fn server_rpm_limit_is_honoured_without_client_rpm() {
    for kind in [ProviderKind::Gemini, ProviderKind::OpenAi] {
        // 1,200 requests per minute = 20 per second, no burst.
        let cfg = MockConfig {
            rpm: Some(1_200.0),
            latency_median: Duration::from_millis(5),
            ..MockConfig::default()
        };
        let mock = MockProvider::start(cfg).await;
        let opts = EngineOptions { ..quick() };
        let (_, stats) = run_with(
            fixtures::analyzer(&mock, kind, Duration::from_secs(5)),
            12,
            opts,
        )
        .await;
        assert_eq!((stats.done, stats.failed), (12, 0), "{kind:?}");
        assert!(stats.http_429 > 0, "{kind:?}: the burst hit the limit");
        assert_eq!(stats.requests, 12 + stats.http_429);
        assert_each_answered_once(&mock, 12);
    }
}

#[tokio::test]
async fn client_rpm_keeps_requests_under_the_server_limit() {
    let cfg = MockConfig {
        rpm: Some(1_200.0),
        rpm_burst: 2.0,
        ..MockConfig::default()
    };
    let mock = MockProvider::start(cfg).await;
    let opts = EngineOptions {
        rpm: Some(1_100),
        ..quick()
    };
    let (_, stats) = run_with(
        fixtures::analyzer(&mock, ProviderKind::OpenAi, Duration::from_secs(5)),
        10,
        opts,
    )
    .await;
    assert_eq!((stats.done, stats.http_429), (10, 0));
}

#[tokio::test]
async fn server_errors_and_hangs_are_retried_with_backoff() {
    for (fault, timeout) in [
        (Fault::ServerError, Duration::from_secs(5)),
        (Fault::Hang, Duration::from_millis(300)),
    ] {
        for kind in [
            ProviderKind::Gemini,
            ProviderKind::OpenAi,
            ProviderKind::Ollama,
        ] {
            let mock = MockProvider::start(MockConfig {
                per_call_faults: vec![fault],
                ..MockConfig::default()
            })
            .await;
            let (results, stats) =
                run_with(fixtures::analyzer(&mock, kind, timeout), 3, quick()).await;
            assert_eq!(
                (stats.done, stats.retries, stats.requests),
                (3, 3, 6),
                "{fault:?} {kind:?}"
            );
            let first = &results[0].log[0];
            match fault {
                Fault::Hang => assert!(
                    first
                        .error
                        .as_deref()
                        .is_some_and(|e| e.contains("timed out"))
                ),
                _ => assert!(first.status.is_some_and(|s| s >= 500)),
            }
        }
    }
}

#[tokio::test]
async fn persistent_server_errors_fail_the_call_after_the_retry_limit() {
    let cfg = MockConfig {
        server_error_rate: 1.0,
        ..MockConfig::default()
    };
    let mock = MockProvider::start(cfg).await;
    let opts = EngineOptions {
        max_retries: 2,
        ..quick()
    };
    let (results, stats) = run_with(
        fixtures::analyzer(&mock, ProviderKind::Gemini, Duration::from_secs(5)),
        2,
        opts,
    )
    .await;
    assert_eq!((stats.failed, stats.requests), (2, 6));
    let error = results[0]
        .analysis
        .provenance
        .error
        .as_deref()
        .expect("error");
    assert!(error.contains("server error HTTP 503"), "{error}");
}

#[tokio::test]
async fn daily_quota_and_insufficient_quota_stop_the_run_cleanly() {
    for kind in [ProviderKind::Gemini, ProviderKind::OpenAi] {
        let mock = MockProvider::start(MockConfig {
            daily_quota_after: Some(4),
            ..MockConfig::default()
        })
        .await;
        let opts = EngineOptions {
            max_concurrency: 1,
            ..quick()
        };
        let (results, stats) = run_with(
            fixtures::analyzer(&mock, kind, Duration::from_secs(5)),
            12,
            opts,
        )
        .await;
        assert_eq!(
            (stats.done, stats.failed),
            (4, 0),
            "{kind:?}: unfinished calls are not failures"
        );
        assert_eq!(
            results.len(),
            4,
            "{kind:?}: everything done was handed over"
        );
        assert_eq!(
            mock.count_status(429),
            1,
            "{kind:?}: no request after the quota error"
        );
        match (kind, stats.stopped) {
            (ProviderKind::Gemini, Some(StopReason::DailyQuota(_))) => {}
            (ProviderKind::OpenAi, Some(StopReason::InsufficientQuota(m))) => {
                assert!(m.contains("exceeded your current quota"));
            }
            other => panic!("unexpected stop {other:?}"),
        }
    }
}

#[tokio::test]
async fn budget_stops_starting_calls_before_it_would_be_exceeded() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::OpenAi, Duration::from_secs(5));
    let opts = EngineOptions {
        max_concurrency: 1,
        budget_usd: Some(0.002),
        ..quick()
    };
    let (_, stats) = run_with(analyzer, 20, opts).await;
    assert!(
        matches!(stats.stopped, Some(StopReason::Budget(_))),
        "{:?}",
        stats.stopped
    );
    assert!(stats.done >= 1 && stats.done < 20, "done {}", stats.done);
    assert!(
        stats.cost_usd.is_some_and(|c| c <= 0.002),
        "{:?}",
        stats.cost_usd
    );
}

#[tokio::test]
async fn dry_run_estimates_and_sends_nothing() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::Gemini, Duration::from_secs(5));
    let (results, stats) = run_with(
        analyzer,
        5,
        EngineOptions {
            dry_run: true,
            ..quick()
        },
    )
    .await;
    assert!(results.is_empty() && mock.log().is_empty());
    let est = stats.estimate.expect("estimate");
    assert_eq!((est.calls, est.over_context), (5, 0));
    assert_eq!(est.tokens_out, 5 * 900);
    assert!(est.tokens_in > 5 * 500);
    assert!(est.cost_usd.is_some_and(|c| c > 0.0));
}

#[tokio::test]
async fn ctrl_c_lets_requests_in_flight_finish_and_starts_no_more() {
    let mock = MockProvider::start(MockConfig {
        latency_median: Duration::from_millis(20),
        ..MockConfig::default()
    })
    .await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::Ollama, Duration::from_secs(5));
    let shutdown = Shutdown::default();
    let opts = EngineOptions {
        max_concurrency: 2,
        shutdown: shutdown.clone(),
        ..quick()
    };
    let mut results = Vec::new();
    let jobs = fixtures::jobs(fixtures::real_calls(20));
    let stats = engine::run(stream::iter(jobs), analyzer, opts, |r: JobResult| {
        results.push(r);
        if results.len() == 3 {
            shutdown.escalate();
        }
    })
    .await;
    assert_eq!(stats.stopped, Some(StopReason::Interrupted));
    assert!(
        results.len() >= 3 && results.len() < 20,
        "{}",
        results.len()
    );
    assert!(
        results.iter().all(|r| r.analysis.insight.is_some()),
        "in-flight calls finished"
    );
    assert_eq!(
        mock.log().len(),
        results.len(),
        "every request sent was completed and handed over"
    );
}

#[tokio::test]
async fn results_stream_out_before_the_input_ends() {
    let mock = MockProvider::start(MockConfig::default()).await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::OpenAi, Duration::from_secs(5));
    let mut jobs = fixtures::jobs(fixtures::real_calls(4));
    let last = jobs.pop().expect("four jobs");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // The last job only arrives once a first result has been handed over:
    // an engine that waited for a batch or for the whole input would hang.
    let gated = stream::once(async move {
        let _ = rx.await;
        last
    });
    let mut tx = Some(tx);
    let mut results = Vec::new();
    let run = engine::run(stream::iter(jobs).chain(gated), analyzer, quick(), |r| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(());
        }
        results.push(r);
    });
    let stats = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("no barrier");
    assert_eq!(stats.done, 4);
}

#[tokio::test]
async fn second_ctrl_c_aborts_requests_in_flight() {
    let mock = MockProvider::start(MockConfig {
        hang_rate: 1.0,
        ..MockConfig::default()
    })
    .await;
    let analyzer = fixtures::analyzer(&mock, ProviderKind::Gemini, Duration::from_secs(600));
    let shutdown = Shutdown::default();
    let opts = EngineOptions {
        shutdown: shutdown.clone(),
        ..quick()
    };
    let presses = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        shutdown.escalate();
        shutdown.escalate();
    });
    let (results, stats) = run_with(analyzer, 4, opts).await;
    presses.await.expect("presses");
    assert_eq!(stats.stopped, Some(StopReason::Aborted));
    assert!(
        results.is_empty(),
        "aborted calls are not reported as done or failed"
    );
    assert_eq!((stats.done, stats.failed), (0, 0));
}
