//! The client runtime: retries, rate limits, credentials, decoding by
//! status, drift recording and the value types, the same in every
//! generated crate.
//!
//! It is a crate of its own (`client-runtime`, not published) so that it
//! compiles, lints and is tested alone (`codegen/runtime/tests/`). The
//! generator copies `src/` into each generated crate as `src/runtime/`, this
//! file as its `mod.rs`, so each crate builds with crates.io packages only.
//! Nothing here names the generated crate: the generated `client.rs` ties
//! the runtime to its raw client (`Inner::pre_hook`, `Inner::execute`) and
//! to its `Client` (`ClientBuilder::build_parts`, and `Inner::send`, through
//! which each method sends).

#[cfg(feature = "basic")]
mod basic;
mod budget;
mod builder;
mod conform;
mod credential;
mod credentials;
mod drift;
mod drift_file;
mod error;
mod execute;
mod fields;
mod formats;
mod hooks;
mod inspect;
#[cfg(feature = "multipart")]
pub mod multipart;
mod policy;
#[cfg(feature = "query_styles")]
pub mod query_styles;
mod rate_limit;
mod rate_window;
mod receive;
#[cfg(feature = "redis")]
mod redis_store;
mod resendable;
mod response;
mod retry;
mod route;
mod security;
mod shape;
mod state;
mod tolerant;
mod transport;
mod values;

pub use builder::{BuildError, ClientBuilder, ClientParts, USER_AGENT};
pub use credential::Credential;
pub use credentials::{Credentials, OAuthRefresh, SecretToken};
pub use drift::{DriftKind, DriftRecorder, DriftSink, JsonType, Observation, Observed};
pub use drift_file::{DEFAULT_DRIFT_INTERVAL, DriftFile};
pub use error::{ApiError, Error, UnexpectedResponse};
pub use fields::{FieldInfo, FieldKind, RejectedProperties, RequestFields};
pub use policy::OperationPolicy;
pub use rate_limit::{NotSent, RateBudget, RateLimit, RateLimiter, RateStore, RateWindow};
pub use receive::{Decoder, Payload, receive};
pub use resendable::Resendable;
pub use response::Response;
pub use retry::{RetryPolicy, RetryRule, is_transient, retry_after};
pub use shape::{
    BodyShape, DeclaredAnswer, ObjectShape, OperationAnswers, PropertyShape, ShapeKind,
    StatusPattern, ValueShape,
};
pub use state::Inner;
pub use tolerant::{lenient, lenient_or_default};
pub use values::{
    Listed, NonFiniteNumber, Nullable, check_email, check_path_segment, encode_path_segment,
    header_value,
};
