//! Who analyses the calls of a run: the heuristic analyzer on one thread
//! per core, or an LLM through the engine on its own tokio runtime. Both
//! take work without blocking (`Dispatch`) and hand back `Done` results.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

use crate::analyze::Analysis;
use crate::analyze::crosscheck;
use crate::analyze::detect::SentenceTag;
use crate::analyze::llm::RequestLog;
use crate::engine::{Job, Scheduler, StopReason};
use crate::metrics::Metrics;
use crate::model::Call;
use crate::store::CallKey;

use super::batch::{Queue, Queued};
use super::context::AnalysisContext;
use super::interrupt::Interrupt;

/// Calls waiting between stages; bounds memory whatever the input size.
pub(super) const QUEUE: usize = 256;

/// Who analyses the calls.
pub enum Executor {
    /// The heuristic analyzer on one thread per core; it takes no more
    /// work once a stop signal has arrived.
    Heuristic(Interrupt),
    /// An LLM through the run's scheduler.
    Llm(Arc<Scheduler>),
    /// `--batch`: calls are queued for the provider's batch API, which
    /// `super::batch` submits once the input has been read; none comes
    /// back during the pipeline.
    Batch(Queue),
}

/// A finished call on its way to the store.
pub(super) struct Done {
    pub(super) key: CallKey,
    pub(super) metrics: Metrics,
    pub(super) analysis: Analysis,
    pub(super) log: Vec<RequestLog>,
    /// Sentence detections, when the executor made them (heuristic).
    pub(super) tags: Option<Vec<SentenceTag>>,
}

/// A call handed to an executor.
pub(super) struct Work {
    pub(super) key: CallKey,
    pub(super) call: Box<Call>,
}

/// What became of work offered to an executor.
pub(super) enum Offer {
    Taken,
    /// The executor's queue is full: offer it again after storing results.
    Full(Work),
    /// The executor has stopped (quota, budget, Ctrl-C).
    Closed,
}

/// Offers work to an executor without blocking.
pub(super) type Dispatch = Box<dyn FnMut(Work) -> Offer>;

/// The executor's threads, joined when the run ends.
pub(super) type Threads = Vec<thread::JoinHandle<()>>;

impl Executor {
    /// Starts the workers: where to offer work, where results come back,
    /// and the threads doing the work.
    pub(super) fn start(self, ctx: Arc<AnalysisContext>) -> (Dispatch, Receiver<Done>, Threads) {
        match self {
            Executor::Heuristic(interrupt) => spawn_heuristic(ctx, interrupt),
            Executor::Llm(scheduler) => spawn_engine(ctx, scheduler),
            Executor::Batch(queue) => queue_for_batch(ctx, queue),
        }
    }

    /// The executor's analyses cost money (committed as each arrives).
    pub(super) fn is_paid(&self) -> bool {
        !matches!(self, Executor::Heuristic(_))
    }
}

fn queue_for_batch(ctx: Arc<AnalysisContext>, queue: Queue) -> (Dispatch, Receiver<Done>, Threads) {
    // No result comes back during the pipeline: the writer counts every
    // queued call as pending.
    let (_, done_rx) = mpsc::channel::<Done>();
    let dispatch = move |work: Work| {
        let metrics = ctx.metrics(&work.call);
        let queued = Queued {
            key: work.key,
            call: work.call,
            metrics,
        };
        match queue.lock() {
            Ok(mut q) => {
                q.push(queued);
                Offer::Taken
            }
            Err(_) => Offer::Closed,
        }
    };
    (Box::new(dispatch), done_rx, Vec::new())
}

fn spawn_heuristic(
    ctx: Arc<AnalysisContext>,
    interrupt: Interrupt,
) -> (Dispatch, Receiver<Done>, Threads) {
    let (work_tx, work_rx) = mpsc::sync_channel::<Work>(QUEUE);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let work_rx = Arc::new(Mutex::new(work_rx));
    let workers = thread::available_parallelism().map_or(2, |n| n.get());
    let threads = (0..workers)
        .map(|_| {
            let (work_rx, done_tx) = (Arc::clone(&work_rx), done_tx.clone());
            let ctx = Arc::clone(&ctx);
            thread::spawn(move || heuristic_worker(&work_rx, &done_tx, &ctx))
        })
        .collect();
    let dispatch = move |work| {
        if interrupt.received() {
            return Offer::Closed;
        }
        match work_tx.try_send(work) {
            Ok(()) => Offer::Taken,
            Err(mpsc::TrySendError::Full(work)) => Offer::Full(work),
            Err(mpsc::TrySendError::Disconnected(_)) => Offer::Closed,
        }
    };
    (Box::new(dispatch), done_rx, threads)
}

fn heuristic_worker(
    work_rx: &Mutex<Receiver<Work>>,
    done_tx: &Sender<Done>,
    ctx: &AnalysisContext,
) {
    loop {
        let job = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(Work { key, call }) = job else { return };
        let (metrics, analysis, tags) = ctx.heuristic(&call);
        let done = Done {
            key,
            metrics,
            analysis,
            log: Vec::new(),
            tags: Some(tags),
        };
        if done_tx.send(done).is_err() {
            return;
        }
    }
}

/// Runs the scheduler on its own tokio runtime; jobs go in through a
/// bounded channel, results come back through `Done`s.
fn spawn_engine(
    ctx: Arc<AnalysisContext>,
    scheduler: Arc<Scheduler>,
) -> (Dispatch, Receiver<Done>, Threads) {
    let (job_tx, job_rx) = tokio::sync::mpsc::channel::<(CallKey, Job)>(QUEUE);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let handle = thread::spawn(move || {
        match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime.block_on(drive_engine(job_rx, done_tx, &scheduler)),
            Err(e) => scheduler.stop(StopReason::Unusable(format!("no async runtime: {e}"))),
        }
    });
    let dispatch = move |work: Work| {
        let permit = match job_tx.try_reserve() {
            Ok(permit) => permit,
            Err(tokio::sync::mpsc::error::TrySendError::Full(())) => return Offer::Full(work),
            Err(tokio::sync::mpsc::error::TrySendError::Closed(())) => return Offer::Closed,
        };
        let metrics = ctx.metrics(&work.call);
        let job = Job {
            call: *work.call,
            metrics,
        };
        permit.send((work.key, job));
        Offer::Taken
    };
    (Box::new(dispatch), done_rx, vec![handle])
}

async fn drive_engine(
    job_rx: tokio::sync::mpsc::Receiver<(CallKey, Job)>,
    done_tx: Sender<Done>,
    scheduler: &Scheduler,
) {
    // The engine sees calls; the writer needs their keys and metrics back.
    let keys = Arc::new(Mutex::new(std::collections::HashMap::new()));
    let remember = Arc::clone(&keys);
    let jobs = futures::stream::unfold(job_rx, move |mut rx| {
        let remember = Arc::clone(&remember);
        async move {
            let (key, job) = rx.recv().await?;
            if let Ok(mut keys) = remember.lock() {
                let entry = (key, job.metrics.clone(), job.call.outcome);
                keys.insert(job.call.id.clone(), entry);
            }
            Some((job, rx))
        }
    });
    scheduler
        .run(jobs, |result| {
            let entry = keys.lock().ok().and_then(|mut k| k.remove(&result.call_id));
            if let Some((key, metrics, outcome)) = entry {
                let mut analysis = result.analysis;
                if let Some(insight) = &analysis.insight {
                    analysis.provenance.inconsistencies =
                        crosscheck::check(insight, &metrics, outcome);
                }
                let _ = done_tx.send(Done {
                    key,
                    metrics,
                    analysis,
                    log: result.log,
                    tags: None,
                });
            }
        })
        .await
}
