//! How the mock behaves, and the faults a test injects.

use std::net::SocketAddr;
use std::time::Duration;

use highlevel_contacts::RateLimit;

use crate::routes::upsert_rule;

/// HighLevel's documented burst limit: 100 requests per 10 seconds.
pub const HIGHLEVEL_BURST: RateLimit = RateLimit {
    requests: 100,
    window: Duration::from_secs(10),
};

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
    /// Successes drift from the spec (see the crate's documentation).
    pub drift: bool,
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
            drift: false,
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

    pub fn drift(mut self, drift: bool) -> Self {
        self.drift = drift;
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
