//! The client runtime: retries, rate limits, credentials, decoding by
//! status and the value types, the same in every generated crate.
//!
//! It is a crate of its own (`client-runtime`, not published) so that it
//! compiles, lints and is tested alone (`codegen/runtime/tests/`). The
//! generator copies `src/` into each generated crate as `src/runtime/`, this
//! file as its `mod.rs`, so each crate builds with crates.io packages only.
//! Nothing here names the generated crate: the generated `client.rs` ties
//! the runtime to its raw client (`Inner::pre_hook`, `Inner::execute`) and
//! to its `Client` (`ClientBuilder::build_parts`).

mod client;
mod credentials;
mod fields;
mod rate_limit;
mod response;
mod retry;
mod values;

pub use client::{BuildError, ClientBuilder, ClientParts, Inner, OperationPolicy};
pub use credentials::{Credential, Credentials, OAuthRefresh, SecretToken};
pub use fields::{FieldInfo, FieldKind, RejectedProperties, RequestFields};
pub use rate_limit::{RateBudget, RateLimit, RateLimiter, RateWindow};
pub use response::{ApiError, Error, Response, UnexpectedResponse, decode_json, receive};
pub use retry::{RetryPolicy, RetryRule, is_transient, retry_after};
pub use values::{
    Listed, Nullable, check_email, check_path_segment, encode_path_segment, header_value, lenient,
    lenient_or_default,
};
