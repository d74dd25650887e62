//! The client runtime. It is the same in every generated crate; the
//! generator copies it from its own source tree so each crate builds alone.

mod client;
mod credentials;
mod rate_limit;
mod response;
mod retry;
mod values;

pub use client::{BuildError, ClientBuilder};
pub(crate) use client::{Inner, OperationPolicy};
pub use credentials::{Credentials, OAuthRefresh, SecretToken};
pub(crate) use credentials::Credential;
pub use rate_limit::{RateBudget, RateLimit};
pub(crate) use rate_limit::RateWindow;
pub use response::{ApiError, Error, Response, UnexpectedResponse};
pub(crate) use response::{decode_json, receive};
pub use retry::RetryPolicy;
pub(crate) use retry::RetryRule;
pub use values::{Listed, Nullable};
pub(crate) use values::{check_email, check_path_segment, encode_path_segment, header_value, lenient, lenient_or_default};
