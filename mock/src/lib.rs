//! A stateful mock of HighLevel's Contacts API: **Update Contact**
//! (`PUT /contacts/{contactId}`) and **Upsert Contact** (`POST /contacts/upsert`),
//! for tests and offline development.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use highlevel_mock::{Config, Fault, MockServer};
//!
//! let mock = MockServer::start(Config::new("test-token").rate_limit("50/1s".parse().unwrap())).await?;
//! // Point a client at `mock.url()` with the token "test-token".
//! mock.inject(Fault::Status(503)); // the next API request gets a 503
//! println!("{:?}", mock.stats());
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it checks, as HighLevel does:
//!
//! - `Authorization: Bearer <token>` (401 otherwise) and the headers the spec fixes for the
//!   operation, such as `Version` (400 otherwise);
//! - the body, by the request type's table of properties (`RequestFields`) and then by decoding
//!   it into the type: every undeclared property is a 422 in the spec's pattern (`property X
//!   should not exist`), as is every missing required one, a value of the wrong type and a
//!   failed check; JSON that does not parse is a 400;
//! - the burst limit, as a sliding window (429 once it is full) and a daily limit; every answer
//!   carries the `X-RateLimit-*` headers.
//!
//! An unknown contact id in Update Contact gets **400** `{"statusCode":400,"message":"Contact
//! not found"}`: the spec declares no 404 for that operation, and 400 is the status it declares
//! for a request that cannot be processed.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
pub use highlevel_contacts::RateLimit;
use highlevel_contacts::types::{
    BadRequestError, TooManyRequestsError, UnauthorizedError, UnprocessableEntityError,
    UpdateContactRequest, UpdateContactResponse, UpsertContactRequest, UpsertContactResponse,
};
use highlevel_contacts::{OPERATIONS, OperationPolicy, RequestFields, RetryRule};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A limit of `requests` per `window`, written `N/DURATION`: `100/10s`, `50/1s`, `500/250ms`,
/// `1000/1m`, `200000/1d` (units `ms`, `s`, `m`, `h`, `d`).
/// HighLevel's documented burst limit: 100 requests per 10 seconds.
pub const HIGHLEVEL_BURST: RateLimit = RateLimit {
    requests: 100,
    window: Duration::from_secs(10),
};

/// The spec's retry rule for Upsert Contact (`x-retry-safe-when`): its `all-present` are
/// the fields a location may match on, its `not-true` the properties that ask for a new
/// contact whatever matches.
fn upsert_rule() -> RetryRule {
    OperationPolicy::find(OPERATIONS, UPSERT).map_or(RetryRule::ConnectErrorsOnly, |op| op.retry)
}

/// The fields upsert matches existing contacts on, in priority order, by default: the
/// fields the spec's retry rule for Upsert Contact requires (`all-present`).
pub fn spec_match_fields() -> Vec<String> {
    upsert_rule()
        .all_present()
        .iter()
        .map(|name| (*name).to_owned())
        .collect()
}

/// Parses `email,phone` (the order is the priority): fields of [`spec_match_fields`].
pub fn parse_match_order(text: &str) -> Result<Vec<String>, String> {
    let known = spec_match_fields();
    let mut fields: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !known.iter().any(|name| name == part) {
            return Err(format!(
                "`{part}` is not a match field: use {}",
                known.join(", ")
            ));
        }
        if !fields.iter().any(|name| name == part) {
            fields.push(part.to_owned());
        }
    }
    if fields.is_empty() {
        return Err(format!(
            "name at least one match field: {}",
            known.join(", ")
        ));
    }
    Ok(fields)
}

/// The operation ids (method names) of the spec's `OPERATIONS` table that the mock serves.
const UPSERT: &str = "upsert_contact";
const UPDATE: &str = "update_contact";

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The one token it accepts.
    pub token: String,
    /// Where it listens; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The burst limit (default: HighLevel's 100 per 10 s).
    pub rate_limit: RateLimit,
    /// The daily limit (default 200,000).
    pub daily_limit: u64,
    /// The Location's "Allow Duplicate Contact" setting.
    pub allow_duplicates: bool,
    /// The fields upsert matches on, in priority order (default: [`spec_match_fields`]).
    pub match_order: Vec<String>,
    /// A wait before every API answer.
    pub delay: Duration,
}

impl Config {
    pub fn new(token: impl Into<String>) -> Self {
        Config {
            token: token.into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limit: HIGHLEVEL_BURST,
            daily_limit: 200_000,
            allow_duplicates: false,
            match_order: spec_match_fields(),
            delay: Duration::ZERO,
        }
    }

    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    pub fn allow_duplicates(mut self, allow: bool) -> Self {
        self.allow_duplicates = allow;
        self
    }

    pub fn match_order(mut self, order: Vec<String>) -> Self {
        self.match_order = order;
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A fault for the next API request (one fault per request, in the order injected).
/// `/_mock/*` requests are never affected.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this status and a small JSON body (such as 500, 502, 503).
    Status(u16),
    /// Close the connection without answering.
    Drop,
    /// Wait this long, then handle the request normally.
    Delay(Duration),
}

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

struct State {
    config: Config,
    contacts: Vec<Map<String, Value>>,
    window: VecDeque<Instant>,
    daily: u64,
    stats: Stats,
    faults: VecDeque<Fault>,
    delay: Duration,
    next_id: u64,
    next_trace: u64,
}

struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
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
        let delay = config.delay;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                config,
                contacts: Vec::new(),
                window: VecDeque::new(),
                daily: 0,
                stats: Stats::default(),
                faults: VecDeque::new(),
                delay,
                next_id: 1,
                next_trace: 1,
            }),
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
        let state = self.shared.lock();
        state.contacts.iter().cloned().map(Value::Object).collect()
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

type Answer = Response<Full<Bytes>>;

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

fn json_answer(status: StatusCode, body: &Value) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body.to_string())));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("valid"));
    answer
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Answer, DropConnection> {
    let path = request.uri().path().to_owned();
    if let Some(answer) = mock_route(&shared, request.method(), &path) {
        return Ok(answer);
    }
    let (fault, mut delay) = {
        let mut state = shared.lock();
        state.stats.requests += 1;
        (state.faults.pop_front(), state.delay)
    };
    match fault {
        Some(Fault::Drop) => return Err(DropConnection),
        Some(Fault::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Any status can be injected, most of them undeclared: plain JSON.
            let body = json!({"statusCode": status.as_u16(), "message": "injected fault"});
            return Ok(json_answer(status, &body));
        }
        Some(Fault::Delay(extra)) => delay += extra,
        None => {}
    }
    let method = request.method().clone();
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let token = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
    let authorized = token.is_some_and(|token| token == shared.lock().config.token);
    let operation = served_operation(&method, &path);
    // Headers the spec fixes for the operation (`Version: 2021-07-28`).
    let missing_constant = operation.as_ref().and_then(|(policy, _)| {
        policy
            .constant
            .iter()
            .find(|(name, value)| header(name) != Some(*value))
            .map(|(name, _)| *name)
    });
    // The window counts arrivals, as a server's does: before any slow answer.
    let refused = {
        let mut state = shared.lock();
        if !authorized {
            let body =
                json!({"statusCode": 401, "message": "Invalid JWT", "error": "Unauthorized"});
            Some((
                declared::<UnauthorizedError>(StatusCode::UNAUTHORIZED, body),
                None,
            ))
        } else if let Some(retry_after) = state.admit() {
            state.stats.rate_limited += 1;
            let body = json!({"statusCode": 429, "message": "Too Many Requests", "error": "Too Many Requests"});
            Some((
                declared::<TooManyRequestsError>(StatusCode::TOO_MANY_REQUESTS, body),
                Some(retry_after),
            ))
        } else {
            None
        }
    };
    if let Some(((status, body), retry_after)) = refused {
        let mut answer = json_answer(status, &body);
        if let Some(seconds) = retry_after {
            answer
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().expect("digits"));
        }
        shared.lock().rate_headers(&mut answer);
        return Ok(answer);
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // Read the whole body before answering, so the connection stays usable.
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(DropConnection),
    };
    let mut state = shared.lock();
    let (status, body) = match (operation, missing_constant) {
        (Some(_), Some(name)) => {
            let message = format!(
                "{} header is missing or not supported",
                canonical_header_name(name)
            );
            let body = json!({"statusCode": 400, "message": message, "error": "Bad Request"});
            declared::<BadRequestError>(StatusCode::BAD_REQUEST, body)
        }
        (Some((policy, id)), None) => state.serve(policy.operation_id, id, &body),
        // No declared answer: as a web framework answers an unknown route.
        (None, _) => (
            StatusCode::NOT_FOUND,
            json!({"statusCode": 404, "message": format!("Cannot {method} {path}"), "error": "Not Found"}),
        ),
    };
    let mut answer = json_answer(status, &body);
    state.rate_headers(&mut answer);
    Ok(answer)
}

/// The mock's own endpoints: no token, not counted, never faulted.
fn mock_route(shared: &Shared, method: &Method, path: &str) -> Option<Answer> {
    if method != Method::GET {
        return None;
    }
    let state = shared.lock();
    match path {
        "/_mock/stats" => Some(json_answer(
            StatusCode::OK,
            &state.current_stats().to_json(),
        )),
        "/_mock/contacts" => Some(json_answer(
            StatusCode::OK,
            &Value::Array(state.contacts.iter().cloned().map(Value::Object).collect()),
        )),
        _ => None,
    }
}

impl State {
    fn current_stats(&self) -> Stats {
        Stats {
            contacts: self.contacts.len() as u64,
            ..self.stats
        }
    }

    fn prune(&mut self, now: Instant) {
        let window = self.config.rate_limit.window;
        while let Some(&first) = self.window.front() {
            if now.duration_since(first) >= window {
                self.window.pop_front();
            } else {
                break;
            }
        }
    }

    /// Records the request in the windows, or says how many seconds to wait.
    fn admit(&mut self) -> Option<u64> {
        let now = Instant::now();
        self.prune(now);
        let limit = self.config.rate_limit;
        if self.window.len() as u64 >= limit.requests || self.daily >= self.config.daily_limit {
            let free_at = self.window.front().map(|&first| first + limit.window);
            let wait = free_at.map_or(limit.window, |at| at.saturating_duration_since(now));
            return Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        self.window.push_back(now);
        self.daily += 1;
        None
    }

    fn rate_headers(&mut self, answer: &mut Answer) {
        self.prune(Instant::now());
        let limit = self.config.rate_limit;
        let remaining = limit.requests.saturating_sub(self.window.len() as u64);
        let daily_remaining = self.config.daily_limit.saturating_sub(self.daily);
        let headers = answer.headers_mut();
        let mut put = |name: &'static str, value: u64| {
            headers.insert(name, value.to_string().parse().expect("digits"));
        };
        put("x-ratelimit-max", limit.requests);
        put("x-ratelimit-remaining", remaining);
        put(
            "x-ratelimit-interval-milliseconds",
            limit.window.as_millis() as u64,
        );
        put("x-ratelimit-limit-daily", self.config.daily_limit);
        put("x-ratelimit-daily-remaining", daily_remaining);
    }

    fn trace_id(&mut self) -> String {
        self.next_trace += 1;
        format!("mock-trace-{:08x}", self.next_trace)
    }

    fn serve(
        &mut self,
        operation: &str,
        path_value: Option<String>,
        body: &[u8],
    ) -> (StatusCode, Value) {
        match (operation, path_value) {
            (UPSERT, _) => self.upsert(body),
            (UPDATE, Some(id)) => self.update(&id, body),
            _ => (
                StatusCode::NOT_FOUND,
                json!({"statusCode": 404, "message": format!("{operation} is not served"), "error": "Not Found"}),
            ),
        }
    }

    /// The body as a JSON object checked against `T`'s table of properties and type, or
    /// the error answer.
    fn check_body<T>(
        &mut self,
        body: &[u8],
        validate: fn(&T) -> Result<(), String>,
    ) -> Result<(Map<String, Value>, T), (StatusCode, Value)>
    where
        T: serde::de::DeserializeOwned + RequestFields,
    {
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(error) => {
                return Err(declared::<BadRequestError>(
                    StatusCode::BAD_REQUEST,
                    json!({"statusCode": 400, "message": format!("Unexpected token in JSON: {}", error_text(&error)), "error": "Bad Request"}),
                ));
            }
        };
        let Value::Object(object) = value else {
            return Err(declared::<BadRequestError>(
                StatusCode::BAD_REQUEST,
                json!({"statusCode": 400, "message": "The body must be a JSON object", "error": "Bad Request"}),
            ));
        };
        // HighLevel lists every undeclared property, each in the spec's pattern, and every
        // other fault it finds.
        let mut messages: Vec<String> = T::undeclared(&object)
            .into_iter()
            .map(|name| UnprocessableEntityError::REJECTED_PROPERTY_PATTERN.replacen("{}", name, 1))
            .collect();
        let missing = T::missing(&object);
        messages.extend(
            missing
                .iter()
                .map(|name| format!("{name} should not be empty")),
        );
        let mut declared_only = object.clone();
        declared_only.retain(|name, _| T::field(name).is_some());
        let mut typed = None;
        if missing.is_empty() {
            match serde_json::from_value::<T>(Value::Object(declared_only)) {
                Ok(value) => match validate(&value) {
                    Ok(()) => typed = Some(value),
                    Err(reason) => messages.push(reason),
                },
                // A value of the wrong type.
                Err(error) => messages.push(error_text(&error)),
            }
        }
        let typed = match typed {
            Some(typed) if messages.is_empty() => Ok(typed),
            _ => Err(messages),
        };
        match typed {
            Ok(typed) => Ok((object, typed)),
            Err(messages) => {
                let trace_id = self.trace_id();
                Err(declared::<UnprocessableEntityError>(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"statusCode": 422, "message": messages, "error": "Unprocessable Entity", "traceId": trace_id}),
                ))
            }
        }
    }

    fn update(&mut self, id: &str, body: &[u8]) -> (StatusCode, Value) {
        let (object, _) =
            match self.check_body::<UpdateContactRequest>(body, UpdateContactRequest::validate) {
                Ok(checked) => checked,
                Err(answer) => return answer,
            };
        let Some(index) = self.contacts.iter().position(|c| c["id"] == id) else {
            // The spec declares no 404 here; 400 is its status for a request that cannot be processed.
            return declared::<BadRequestError>(
                StatusCode::BAD_REQUEST,
                json!({"statusCode": 400, "message": "Contact not found"}),
            );
        };
        if !self.config.allow_duplicates {
            let location = self.contacts[index]
                .get("locationId")
                .cloned()
                .unwrap_or(Value::Null);
            for field in spec_match_fields() {
                if let Some(value) = object.get(&field).and_then(Value::as_str)
                    && let Some(other) = self.find(&location, &field, value)
                    && other != index
                {
                    let other_id = self.contacts[other]["id"].clone();
                    // The spec's 400 body declares no `meta`: plain JSON keeps it.
                    return (
                        StatusCode::BAD_REQUEST,
                        json!({"statusCode": 400, "message": "This location does not allow duplicated contacts.", "meta": {"contactId": other_id, "matchingField": field}}),
                    );
                }
            }
        }
        apply(&mut self.contacts[index], object);
        declared::<UpdateContactResponse>(
            StatusCode::OK,
            json!({"succeded": true, "contact": Value::Object(self.contacts[index].clone())}),
        )
    }

    fn upsert(&mut self, body: &[u8]) -> (StatusCode, Value) {
        let (mut object, typed) =
            match self.check_body::<UpsertContactRequest>(body, UpsertContactRequest::validate) {
                Ok(checked) => checked,
                Err(answer) => return answer,
            };
        // `createNewIfDuplicateAllowed`: a request for a new contact, not a property of one.
        let asks_for_new = upsert_rule().not_true();
        let always_create = self.config.allow_duplicates
            && asks_for_new
                .iter()
                .any(|name| object.get(*name) == Some(&Value::Bool(true)));
        object.retain(|name, _| !asks_for_new.contains(&name.as_str()));
        let location = Value::String(typed.location_id.clone());
        let mut matched = None;
        if !always_create {
            let order = self.config.match_order.clone();
            for field in &order {
                let Some(value) = object.get(field).and_then(Value::as_str) else {
                    continue;
                };
                match matched {
                    None => matched = self.find(&location, field, value),
                    // A later field that matches another contact is ignored, so that no
                    // duplicate is created.
                    Some(first) => {
                        if self
                            .find(&location, field, value)
                            .is_some_and(|other| other != first)
                        {
                            object.remove(field);
                        }
                    }
                }
            }
        }
        let trace_id = self.trace_id();
        let (created, index) = match matched {
            Some(index) => {
                apply(&mut self.contacts[index], object);
                (false, index)
            }
            None => {
                let id = format!("mock{:016}", self.next_id);
                self.next_id += 1;
                let mut contact = Map::new();
                contact.insert("id".into(), Value::String(id));
                contact.insert("dateAdded".into(), Value::String(now_rfc3339()));
                contact.insert("tags".into(), json!([]));
                contact.insert("customFields".into(), json!([]));
                apply(&mut contact, object);
                self.contacts.push(contact);
                (true, self.contacts.len() - 1)
            }
        };
        declared::<UpsertContactResponse>(
            StatusCode::OK,
            json!({"new": created, "contact": Value::Object(self.contacts[index].clone()), "traceId": trace_id}),
        )
    }

    /// The contact of `location` whose `field` holds `value`; email addresses (by the
    /// spec's `format`) compare without case.
    fn find(&self, location: &Value, field: &str, value: &str) -> Option<usize> {
        let email = <UpsertContactRequest as RequestFields>::field(field)
            .is_some_and(|info| info.format == Some("email"));
        self.contacts.iter().position(|contact| {
            contact.get("locationId") == Some(location)
                && contact
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|stored| {
                        if email {
                            stored.eq_ignore_ascii_case(value)
                        } else {
                            stored == value
                        }
                    })
        })
    }
}

/// Applies a checked body to a stored contact: only the fields sent change, `null` clears,
/// `tags` replaces, custom fields are set by id.
fn apply(contact: &mut Map<String, Value>, object: Map<String, Value>) {
    for (name, value) in object {
        match (name.as_str(), value) {
            ("customFields", Value::Array(inputs)) => {
                let mut stored = match contact.remove("customFields") {
                    Some(Value::Array(stored)) => stored,
                    _ => Vec::new(),
                };
                for input in inputs {
                    let Some(id) = input.get("id").cloned() else {
                        continue;
                    };
                    stored.retain(|field| field.get("id") != Some(&id));
                    match input.get("field_value") {
                        None | Some(Value::Null) => {}
                        Some(value) => stored.push(json!({"id": id, "value": value})),
                    }
                }
                contact.insert("customFields".into(), Value::Array(stored));
            }
            ("tags", Value::Null) => {
                contact.insert("tags".into(), json!([]));
            }
            (_, Value::Null) => {
                contact.remove(&name);
            }
            (_, value) => {
                contact.insert(name, value);
            }
        }
    }
    contact.insert("dateUpdated".into(), Value::String(now_rfc3339()));
}

fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A serde error's message without its position.
fn error_text(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// An answer the spec declares, checked by decoding it into its generated type `T`, and sent
/// as it is: like HighLevel's, the mock's answers carry what the spec does not declare (the
/// contact's stored properties), which a tolerant reader keeps in `raw_json()`. An answer
/// that does not decode is the mock's own fault, reported as a 500 naming the type.
fn declared<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    answer: Value,
) -> (StatusCode, Value) {
    match serde_json::from_value::<T>(answer.clone()) {
        Ok(_) => (status, answer),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({
                "statusCode": 500,
                "message": format!("the mock's answer is not a {}: {error}", std::any::type_name::<T>()),
            }),
        ),
    }
}

/// The operation of the spec's table that `method` and `path` name, and the value of its
/// one path parameter, if it has one.
fn served_operation(
    method: &Method,
    path: &str,
) -> Option<(&'static OperationPolicy, Option<String>)> {
    OPERATIONS.iter().find_map(|policy| {
        if policy.method != method.as_str() {
            return None;
        }
        let mut value = None;
        let template: Vec<&str> = policy.path.split('/').collect();
        let segments: Vec<&str> = path.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        for (expected, actual) in template.iter().zip(&segments) {
            if expected.starts_with('{') && expected.ends_with('}') {
                if actual.is_empty() {
                    return None;
                }
                value = Some((*actual).to_owned());
            } else if expected != actual {
                return None;
            }
        }
        Some((policy, value))
    })
}

/// `version` as `Version`, `x-api-key` as `X-Api-Key`: how messages spell a header whose
/// name the spec's table keeps in lower case.
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}
