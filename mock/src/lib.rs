//! A stateful mock of HighLevel's Contacts API: **Update Contact**
//! (`PUT /contacts/{contactId}`) and **Upsert Contact** (`POST /contacts/upsert`),
//! for tests and offline development.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use highlevel_mock::{Config, Fault, MockServer, parse_rate_limit};
//!
//! let limit = parse_rate_limit("50/1s").unwrap();
//! let mock = MockServer::start(Config::new("test-token").rate_limit(limit)).await?;
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
//! What it does, as HighLevel was seen to do (the spec's Upsert Contact):
//!
//! - an upsert whose email is an additional email of a stored contact matches that contact,
//!   makes the address its primary email and loses the former primary one;
//! - an upsert that matches a stored contact discards the `gender` it sends: the answer shows
//!   the stored one.
//!
//! Neither request can give a contact additional emails, so tests store contacts up front
//! with [`MockServer::insert_contact`] (or `highlevel-mock --seed FILE`).
//!
//! With [`Config::drift`] (`highlevel-mock --drift`), successes drift from the spec as a
//! changing API's do: a new contact property, an unlisted enum value, an undeclared `null`,
//! a date where a date-time is declared, and 201 for an upsert (see `drift.rs`), so that a
//! client's drift recording can be tried by hand.
//!
//! An unknown contact id in Update Contact gets **400** `{"statusCode":400,"message":"Contact
//! not found"}`: the spec declares no 404 for that operation, and 400 is the status it declares
//! for a request that cannot be processed.

mod checks;
mod config;
mod drift;
mod http;
mod limiter;
mod rate_limit_text;
mod routes;
mod seed;
mod server;
mod store;

pub use config::{Config, Fault, HIGHLEVEL_BURST, parse_match_order, spec_match_fields};
pub use highlevel_contacts::RateLimit;
pub use rate_limit_text::parse_rate_limit;
pub use server::{MockServer, Stats};
