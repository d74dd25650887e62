//! Credentials: the secret token, and where it comes from (fixed, or
//! renewed through OAuth). How a security scheme sends it is `credential.rs`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A bearer token or API key. Its `Debug` never shows the secret, and the
/// header built from it is marked sensitive so `reqwest` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(pub(super) String);

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
    pub(super) client_id: String,
    client_secret: SecretToken,
    form: Vec<(String, String)>,
    refresh_ahead: Duration,
    save_refresh_token: Option<SaveRefreshToken>,
    tokens: Arc<tokio::sync::Mutex<Tokens>>,
    /// The token response's fields that name the resource a token's rate
    /// budget is counted against, first present first.
    pub(super) budget_fields: Vec<String>,
    /// `<field>=<value>`, from the first token response that had one.
    pub(super) resource: Arc<std::sync::OnceLock<String>>,
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
            budget_fields: Vec::new(),
            resource: Arc::default(),
        }
    }

    /// The fields of the token endpoint's answer that name the resource
    /// (an account, a location) the API counts a token's requests against,
    /// in order of preference; for HighLevel, `["locationId", "companyId"]`.
    /// Clients of one app and resource then share one rate budget across
    /// processes. Without them, or before the first renewal, the budget is
    /// the app's (its client id) on the server: shared more widely than
    /// the API counts, so slower, never over.
    pub fn rate_budget_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.budget_fields = fields.into_iter().map(Into::into).collect();
        self
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
    pub(super) async fn current(&self, http: &reqwest::Client) -> Result<SecretToken, String> {
        let mut tokens = self.tokens.lock().await;
        if let Some((token, expires)) = &tokens.access
            && Instant::now() + self.refresh_ahead < *expires
        {
            return Ok(token.clone());
        }
        // Boxed: the token request's future is large, and every request's
        // future would carry it for the rare renewal.
        let renewed = Box::pin(self.renew(http, &tokens.refresh)).await?;
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
    pub(super) async fn reject(&self, sent: &SecretToken) {
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
        let resource = self.budget_fields.iter().find_map(|field| {
            let value = answer.get(field)?.as_str()?;
            Some(format!("{field}={value}"))
        });
        if let Some(resource) = resource {
            // The first answer names it; a token is renewed for the same one.
            let _ = self.resource.set(resource);
        }
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
