//! SIGINT (Ctrl-C), SIGTERM and SIGHUP during a run, all handled alike: the
//! first stops reading the input (an LLM run also stops sending and lets
//! the requests in flight finish), so everything finished is stored, the
//! report is written and the run exits 3, resumable; a later one escalates
//! (an LLM run drops what is in flight).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use tokio::signal::unix::{SignalKind, signal};

/// Whether a stop signal has arrived.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    received: Arc<AtomicBool>,
}

impl Interrupt {
    /// Listens on a thread of its own for the rest of the process; every
    /// signal also calls `on_signal` (the engine's escalation, for an LLM run).
    pub fn listen(on_signal: impl Fn() + Send + 'static) -> Interrupt {
        let interrupt = Interrupt::default();
        let received = Arc::clone(&interrupt.received);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let streams = runtime.as_ref().ok().and_then(|rt| {
            let _entered = rt.enter();
            let int = signal(SignalKind::interrupt()).ok()?;
            let term = signal(SignalKind::terminate()).ok()?;
            let hup = signal(SignalKind::hangup()).ok()?;
            Some((int, term, hup))
        });
        let (Ok(runtime), Some((mut int, mut term, mut hup))) = (runtime, streams) else {
            tracing::warn!("cannot listen for Ctrl-C; an interrupted run stops at once");
            return interrupt;
        };
        thread::spawn(move || {
            runtime.block_on(async move {
                loop {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                        _ = hup.recv() => {}
                    }
                    received.store(true, Ordering::SeqCst);
                    on_signal();
                }
            });
        });
        interrupt
    }

    pub fn received(&self) -> bool {
        self.received.load(Ordering::SeqCst)
    }
}
