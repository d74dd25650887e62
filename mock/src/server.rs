//! The running mock: its shared state, the accept loop, and what a test asks of it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Config, Fault};
use crate::http::handle;
use crate::limiter::Limiter;
use crate::store::Store;

/// What `GET /_mock/stats` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// API requests received (`/_mock/*` excluded).
    pub requests: u64,
    /// Of those, how many got 429.
    pub rate_limited: u64,
    /// Contacts stored.
    pub contacts: u64,
}

impl Stats {
    pub fn to_json(self) -> Value {
        json!({"requests": self.requests, "rate_limited": self.rate_limited, "contacts": self.contacts})
    }
}

pub(crate) struct State {
    /// The one token accepted.
    pub token: String,
    pub store: Store,
    pub limiter: Limiter,
    pub stats: Stats,
    pub faults: VecDeque<Fault>,
    pub delay: Duration,
    /// Successes drift from the spec.
    pub drift: bool,
    next_trace: u64,
}

impl State {
    fn new(config: Config) -> Self {
        State {
            store: Store::new(config.allow_duplicates, config.match_order),
            limiter: Limiter::new(config.rate_limit, config.daily_limit),
            token: config.token,
            stats: Stats::default(),
            faults: VecDeque::new(),
            delay: config.delay,
            drift: config.drift,
            next_trace: 1,
        }
    }

    pub fn current_stats(&self) -> Stats {
        Stats {
            contacts: self.store.len() as u64,
            ..self.stats
        }
    }

    pub fn trace_id(&mut self) -> String {
        self.next_trace += 1;
        format!("mock-trace-{:08x}", self.next_trace)
    }
}

pub(crate) struct Shared {
    state: Mutex<State>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a handler panicked; the data is still usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running mock. Dropping it stops accepting connections.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds `config.listen` and serves in the background.
    pub async fn start(config: Config) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(config)),
        });
        let (stop, mut stopped) = oneshot::channel();
        let serving = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => accepted,
                };
                let Ok((stream, _)) = accepted else { continue };
                let shared = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| handle(shared.clone(), request));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(MockServer {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, the base URL for a client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().current_stats()
    }

    /// Every stored contact, as the API would return it, in creation order.
    pub fn contacts(&self) -> Vec<Value> {
        self.shared.lock().store.contacts()
    }

    /// Stores `contact`, a JSON object, as a contact the API could return, and returns its
    /// id. It must have a `locationId`; an `id` is kept if no stored contact has it, and made
    /// up if absent. `additionalEmails`, a list of addresses, is what neither request can
    /// set: Upsert Contact matches an email on it too.
    pub fn insert_contact(&self, contact: Value) -> Result<String, String> {
        self.shared.lock().store.insert(contact)
    }

    /// Queues a fault for the next API request.
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// A wait before every API answer from now on.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.lock().delay = delay;
    }

    /// Stops accepting connections and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
