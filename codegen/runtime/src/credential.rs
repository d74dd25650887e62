//! `Credential`: a secret as a security scheme sends it: in a header (after
//! a prefix such as `Bearer `), as a query parameter, or as a cookie. Header
//! and cookie values are marked sensitive so `reqwest` never prints them; a
//! query key is kept out of errors by `receive`, which strips the query from
//! every transport error's URL.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use reqwest::header::{COOKIE, HeaderName, HeaderValue};

use super::BuildError;
use super::credentials::{Credentials, SecretToken};

/// Where a scheme puts the secret.
#[derive(Clone)]
enum Placement {
    Header {
        name: HeaderName,
        prefix: &'static str,
    },
    Query {
        name: &'static str,
    },
    Cookie {
        name: &'static str,
    },
}

/// The credentials as one security scheme sends them.
#[derive(Clone)]
pub struct Credential {
    placement: Placement,
    credentials: Credentials,
    /// False for credentials refused before any token is looked at (an
    /// HTTP basic user with a `:`).
    pub(super) well_formed: bool,
    /// A fixed token's [`identity`](Credential::identity), hashed once: every
    /// request asks for it.
    token_identity: OnceLock<String>,
    /// A fixed token as its header or cookie carries it, made once.
    token_carried: OnceLock<Result<Option<HeaderValue>, ()>>,
}

impl Credential {
    /// The secret in the header `header` (lower case), after `prefix`:
    /// `("authorization", "Bearer ")` for bearer tokens and OAuth,
    /// `("x-api-key", "")` for an API key.
    pub fn new(header: &'static str, prefix: &'static str, credentials: Credentials) -> Self {
        let name = HeaderName::from_static(header);
        Credential {
            placement: Placement::Header { name, prefix },
            credentials,
            well_formed: true,
            token_identity: OnceLock::new(),
            token_carried: OnceLock::new(),
        }
    }

    /// The secret as the query parameter `name` (an `apiKey` `in: query`).
    pub fn query(name: &'static str, credentials: Credentials) -> Self {
        Credential {
            placement: Placement::Query { name },
            credentials,
            well_formed: true,
            token_identity: OnceLock::new(),
            token_carried: OnceLock::new(),
        }
    }

    /// The secret as the cookie `name` (an `apiKey` `in: cookie`).
    pub fn cookie(name: &'static str, credentials: Credentials) -> Self {
        Credential {
            placement: Placement::Cookie { name },
            credentials,
            well_formed: true,
            token_identity: OnceLock::new(),
            token_carried: OnceLock::new(),
        }
    }

    /// Refuses at build time a fixed token its place cannot carry.
    pub(super) fn check(&self) -> Result<(), BuildError> {
        if !self.well_formed {
            return Err(BuildError::InvalidToken);
        }
        match &self.credentials {
            Credentials::Token(token) => self
                .carried(token)
                .map(drop)
                .map_err(|_| BuildError::InvalidToken),
            Credentials::OAuth(_) => Ok(()),
        }
    }

    /// What the server counts this credential's requests against, the same
    /// in every process and never a secret: a fixed token by its SHA-256
    /// (`token-sha256:<hex>`); OAuth by the app's client id and the resource
    /// its token response named (`oauth:<client id>:locationId=<id>`, by
    /// [`OAuthRefresh::rate_budget_fields`]), or the client id alone before
    /// a response named one.
    ///
    /// [`OAuthRefresh::rate_budget_fields`]: super::OAuthRefresh::rate_budget_fields
    pub(super) fn identity(&self) -> Cow<'_, str> {
        match &self.credentials {
            Credentials::Token(token) => Cow::Borrowed(self.token_identity.get_or_init(|| {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(token.0.as_bytes());
                let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
                format!("token-sha256:{hex}")
            })),
            Credentials::OAuth(refresh) => Cow::Owned(match refresh.resource.get() {
                Some(resource) => format!("oauth:{}:{resource}", refresh.client_id),
                None => format!("oauth:{}", refresh.client_id),
            }),
        }
    }

    /// Whether [`identity`](Credential::identity) comes from a token
    /// response: OAuth with `OAuthRefresh::rate_budget_fields`.
    pub(super) fn identity_from_answers(&self) -> bool {
        match &self.credentials {
            Credentials::Token(_) => false,
            Credentials::OAuth(refresh) => !refresh.budget_fields.is_empty(),
        }
    }

    /// Puts the secret on `request`: the current token (OAuth renews it
    /// first when it is about to expire).
    pub(super) async fn apply(
        &self,
        request: &mut reqwest::Request,
        http: &reqwest::Client,
    ) -> Result<(), String> {
        match &self.credentials {
            Credentials::Token(token) => self.put(request, token),
            Credentials::OAuth(refresh) => self.put(request, &refresh.current(http).await?),
        }
    }

    /// Whether the credential renews its token after a rejection: OAuth,
    /// sent in a header.
    pub(super) fn renews_after_rejection(&self) -> bool {
        matches!(
            (&self.credentials, &self.placement),
            (Credentials::OAuth(_), Placement::Header { .. })
        )
    }

    /// The header value this credential put in `headers`, when it
    /// [renews after a rejection](Credential::renews_after_rejection): kept
    /// as it is (a shared buffer) on every request, read only after a 401.
    pub(super) fn sent_header(&self, headers: &reqwest::header::HeaderMap) -> Option<HeaderValue> {
        match (&self.credentials, &self.placement) {
            (Credentials::OAuth(_), Placement::Header { name, .. }) => headers.get(name).cloned(),
            _ => None,
        }
    }

    /// After a 401 to a request that carried `sent` (its
    /// [`sent_header`](Credential::sent_header)): drops that token and
    /// fetches a renewed one for one more try, as it may have expired or been
    /// revoked since it was handed out. Whether a renewed token is ready.
    pub(super) async fn renew_rejected(&self, sent: &HeaderValue, http: &reqwest::Client) -> bool {
        let (Credentials::OAuth(refresh), Placement::Header { prefix, .. }) =
            (&self.credentials, &self.placement)
        else {
            return false;
        };
        let Some(token) = sent
            .to_str()
            .ok()
            .and_then(|text| text.strip_prefix(*prefix))
        else {
            return false;
        };
        refresh.reject(&SecretToken::from(token)).await;
        refresh.current(http).await.is_ok()
    }

    fn put(&self, request: &mut reqwest::Request, token: &SecretToken) -> Result<(), String> {
        let unusable = || {
            format!(
                "the token contains characters {} cannot carry",
                self.place()
            )
        };
        match (
            &self.placement,
            self.carried_once(token).map_err(|()| unusable())?,
        ) {
            (Placement::Query { name }, _) => {
                request
                    .url_mut()
                    .query_pairs_mut()
                    .append_pair(name, &token.0);
            }
            (Placement::Header { name, .. }, Some(value)) => {
                request.headers_mut().insert(name.clone(), value);
            }
            (Placement::Cookie { .. }, Some(value)) => {
                let headers = request.headers_mut();
                let value = match headers.get(COOKIE) {
                    // One `Cookie` header holds every cookie (RFC 6265 §5.4).
                    Some(earlier) => {
                        let mut joined = earlier.as_bytes().to_vec();
                        joined.extend_from_slice(b"; ");
                        joined.extend_from_slice(value.as_bytes());
                        sensitive(HeaderValue::from_bytes(&joined).map_err(|_| unusable())?)
                    }
                    None => value,
                };
                headers.insert(COOKIE, value);
            }
            (_, None) => return Err(unusable()),
        }
        Ok(())
    }

    /// [`carried`](Credential::carried), made once for a fixed token.
    fn carried_once(&self, token: &SecretToken) -> Result<Option<HeaderValue>, ()> {
        match &self.credentials {
            Credentials::Token(_) => self
                .token_carried
                .get_or_init(|| self.carried(token))
                .clone(),
            Credentials::OAuth(_) => self.carried(token),
        }
    }

    /// The header value that carries `token` (none for a query key), or
    /// `Err` when its place cannot carry it.
    fn carried(&self, token: &SecretToken) -> Result<Option<HeaderValue>, ()> {
        let text = match &self.placement {
            Placement::Query { .. } => return Ok(None),
            Placement::Header { prefix, .. } => format!("{prefix}{}", token.0),
            Placement::Cookie { name } => {
                // RFC 6265 §4.1.1's cookie-octet: a `;` or a space would
                // start another cookie.
                let octet = |b: u8| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
                if !token.0.bytes().all(octet) {
                    return Err(());
                }
                format!("{name}={}", token.0)
            }
        };
        let value = HeaderValue::from_str(&text).map_err(drop)?;
        Ok(Some(sensitive(value)))
    }

    /// Where the secret goes, in words, for errors.
    fn place(&self) -> String {
        match &self.placement {
            Placement::Header { name, .. } => format!("the header `{name}`"),
            Placement::Query { name } => format!("the query parameter `{name}`"),
            Placement::Cookie { name } => format!("the cookie `{name}`"),
        }
    }
}

fn sensitive(mut value: HeaderValue) -> HeaderValue {
    value.set_sensitive(true);
    value
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.credentials {
            Credentials::Token(_) => "token",
            Credentials::OAuth(_) => "OAuth",
        };
        write!(f, "Credential({}: {source}, <redacted>)", self.place())
    }
}
