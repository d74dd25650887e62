//! Credentials: the secret token, where it comes from (fixed, or renewed
//! through OAuth), and how the spec's security scheme sends it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};

use super::BuildError;

/// A bearer token or API key. Its `Debug` never shows the secret, and the
/// header built from it is marked sensitive so `reqwest` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn new(token: impl Into<String>) -> Self {
        SecretToken(token.into())
    }

    /// The secret itself, for storing it (a rotated refresh token).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

impl From<String> for SecretToken {
    fn from(token: String) -> Self {
        SecretToken(token)
    }
}

impl From<&str> for SecretToken {
    fn from(token: &str) -> Self {
        SecretToken(token.to_owned())
    }
}

/// Where a client gets the token it sends before each request: a fixed
/// token (such as a Private Integration Token) or OAuth access tokens that
/// it renews itself.
#[derive(Debug, Clone)]
pub enum Credentials {
    Token(SecretToken),
    OAuth(OAuthRefresh),
}

impl From<SecretToken> for Credentials {
    fn from(token: SecretToken) -> Self {
        Credentials::Token(token)
    }
}

impl From<String> for Credentials {
    fn from(token: String) -> Self {
        Credentials::Token(token.into())
    }
}

impl From<&str> for Credentials {
    fn from(token: &str) -> Self {
        Credentials::Token(token.into())
    }
}

impl From<OAuthRefresh> for Credentials {
    fn from(refresh: OAuthRefresh) -> Self {
        Credentials::OAuth(refresh)
    }
}

type SaveRefreshToken = Arc<
    dyn Fn(SecretToken) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync,
>;

/// OAuth access tokens renewed with the refresh-token grant (RFC 6749
/// §6): a form-encoded `grant_type=refresh_token`, `client_id`,
/// `client_secret` and `refresh_token`, plus any [`form_field`]s.
///
/// The access token is renewed ahead of its expiry and once more when the
/// API answers 401; clones share one state, and only one renewal runs at a
/// time. Servers that rotate refresh tokens send a new one with each
/// renewal: [`on_refresh_token`] hands it to the caller to store, and a
/// failure to store it fails the request that caused the renewal.
///
/// [`form_field`]: OAuthRefresh::form_field
/// [`on_refresh_token`]: OAuthRefresh::on_refresh_token
#[derive(Clone)]
pub struct OAuthRefresh {
    token_url: String,
    client_id: String,
    client_secret: SecretToken,
    form: Vec<(String, String)>,
    refresh_ahead: Duration,
    save_refresh_token: Option<SaveRefreshToken>,
    tokens: Arc<tokio::sync::Mutex<Tokens>>,
}

struct Tokens {
    access: Option<(SecretToken, Instant)>,
    refresh: SecretToken,
}

impl fmt::Debug for OAuthRefresh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthRefresh")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("secrets", &"<redacted>")
            .finish()
    }
}

impl OAuthRefresh {
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretToken>,
        refresh_token: impl Into<SecretToken>,
    ) -> Self {
        OAuthRefresh {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            form: Vec::new(),
            refresh_ahead: Duration::from_secs(300),
            save_refresh_token: None,
            tokens: Arc::new(tokio::sync::Mutex::new(Tokens {
                access: None,
                refresh: refresh_token.into(),
            })),
        }
    }

    /// Another field of the renewal form, such as HighLevel's
    /// `user_type=Location`.
    pub fn form_field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.form.push((name.into(), value.into()));
        self
    }

    /// Starts from an access token already held, valid for `valid_for`.
    /// Call it before cloning.
    pub fn access_token(mut self, token: impl Into<SecretToken>, valid_for: Duration) -> Self {
        if let Some(tokens) = Arc::get_mut(&mut self.tokens) {
            tokens.get_mut().access = Some((token.into(), Instant::now() + valid_for));
        }
        self
    }

    /// Renew this long before the access token expires. Default: 5 minutes.
    pub fn refresh_ahead(mut self, margin: Duration) -> Self {
        self.refresh_ahead = margin;
        self
    }

    /// Called with each new refresh token the server issues, before the old
    /// one is forgotten; store it, or the next start cannot renew.
    pub fn on_refresh_token<F, Fut>(mut self, save: F) -> Self
    where
        F: Fn(SecretToken) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.save_refresh_token = Some(Arc::new(move |token| Box::pin(save(token))));
        self
    }

    /// A valid access token, renewing it first when it is missing or about
    /// to expire. Holding the lock while renewing makes concurrent callers
    /// wait for that one renewal.
    async fn current(&self, http: &reqwest::Client) -> Result<SecretToken, String> {
        let mut tokens = self.tokens.lock().await;
        if let Some((token, expires)) = &tokens.access
            && Instant::now() + self.refresh_ahead < *expires
        {
            return Ok(token.clone());
        }
        let renewed = self.renew(http, &tokens.refresh).await?;
        tokens.access = Some((renewed.access.clone(), Instant::now() + renewed.valid_for));
        if let Some(rotated) = renewed.refresh {
            tokens.refresh = rotated.clone();
            if let Some(save) = &self.save_refresh_token {
                save(rotated)
                    .await
                    .map_err(|e| format!("the new refresh token could not be stored: {e}"))?;
            }
        }
        Ok(renewed.access)
    }

    /// The API refused `sent`: forget it, unless a renewal already replaced it.
    async fn reject(&self, sent: &SecretToken) {
        let mut tokens = self.tokens.lock().await;
        if tokens
            .access
            .as_ref()
            .is_some_and(|(token, _)| token == sent)
        {
            tokens.access = None;
        }
    }

    async fn renew(
        &self,
        http: &reqwest::Client,
        refresh: &SecretToken,
    ) -> Result<Renewed, String> {
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", refresh.expose()),
        ];
        form.extend(
            self.form
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        );
        let response = http
            .post(&self.token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "the token endpoint could not be reached: {}",
                    e.without_url()
                )
            })?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}"));
        }
        let answer: serde_json::Value = response
            .json()
            .await
            .map_err(|_| "the token endpoint's answer is not JSON".to_owned())?;
        let access = answer
            .get("access_token")
            .and_then(serde_json::Value::as_str)
            .ok_or("the token endpoint's answer has no `access_token`")?;
        let valid_for = answer
            .get("expires_in")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(3600);
        let refresh = answer
            .get("refresh_token")
            .and_then(serde_json::Value::as_str)
            .map(SecretToken::from);
        Ok(Renewed {
            access: access.into(),
            valid_for: Duration::from_secs(valid_for),
            refresh,
        })
    }
}

struct Renewed {
    access: SecretToken,
    valid_for: Duration,
    refresh: Option<SecretToken>,
}

/// The credentials as the spec's security scheme sends them: a header and
/// the text before the token (`Authorization`, `Bearer `).
#[derive(Clone)]
pub struct Credential {
    header: HeaderName,
    prefix: &'static str,
    credentials: Credentials,
    /// A fixed token's header value, built once.
    fixed: Option<HeaderValue>,
}

impl Credential {
    pub fn new(header: &'static str, prefix: &'static str, credentials: Credentials) -> Self {
        let mut credential = Credential {
            header: HeaderName::from_static(header),
            prefix,
            credentials,
            fixed: None,
        };
        if let Credentials::Token(token) = &credential.credentials {
            credential.fixed = credential.value(token);
        }
        credential
    }

    pub(super) fn header(&self) -> &HeaderName {
        &self.header
    }

    /// Refuses at build time what no request could carry.
    pub(super) fn check(&self) -> Result<(), BuildError> {
        match &self.credentials {
            Credentials::Token(_) => self
                .fixed
                .as_ref()
                .map(drop)
                .ok_or(BuildError::InvalidToken),
            Credentials::OAuth(_) => Ok(()),
        }
    }

    /// Clients of one credential share rate limits: the fixed token, or the
    /// OAuth client and its first refresh token.
    pub(super) fn identity(&self, hasher: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        match &self.credentials {
            Credentials::Token(token) => token.0.hash(hasher),
            Credentials::OAuth(refresh) => {
                refresh.client_id.hash(hasher);
                Arc::as_ptr(&refresh.tokens).hash(hasher);
            }
        }
    }

    /// The header value to send now (sensitive, so never printed).
    pub(super) async fn current(&self, http: &reqwest::Client) -> Result<HeaderValue, String> {
        let unusable = "the token contains characters a header cannot carry";
        match &self.credentials {
            Credentials::Token(_) => self.fixed.clone().ok_or_else(|| unusable.to_owned()),
            Credentials::OAuth(refresh) => self
                .value(&refresh.current(http).await?)
                .ok_or_else(|| unusable.to_owned()),
        }
    }

    /// After a 401 for `sent`: a renewed token to try once more, if the
    /// credentials can renew.
    pub(super) async fn renewed_after_rejection(
        &self,
        http: &reqwest::Client,
        sent: &HeaderValue,
    ) -> Option<HeaderValue> {
        let Credentials::OAuth(refresh) = &self.credentials else {
            return None;
        };
        let sent = sent.to_str().ok()?.strip_prefix(self.prefix)?;
        refresh.reject(&SecretToken::from(sent)).await;
        self.current(http).await.ok()
    }

    fn value(&self, token: &SecretToken) -> Option<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("{}{}", self.prefix, token.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.credentials {
            Credentials::Token(_) => "token",
            Credentials::OAuth(_) => "OAuth",
        };
        write!(f, "Credential({}: {source}, <redacted>)", self.header)
    }
}
