//! The client every command uses, from the global flags and the environment.
//!
//! The base URL and each credential is a flag that falls back on its `HIGHLEVEL_*` variable
//! (clap's `env`). `--help` names the variables, and never shows a credential's value. An
//! empty variable counts as unset, as in most tools, where clap would read an empty value.

use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use highlevel_contacts::types::UpsertContactRequest;
use highlevel_contacts::{
    Client, Credentials, OAuthRefresh, RateLimit, RateStore, RequestFields, RetryPolicy,
};

use crate::failure::Failure;
use crate::rate_limit_text::parse_rate_limit;

#[derive(Args)]
pub struct ClientArgs {
    /// The API's base URL (default: HighLevel's).
    #[arg(long, global = true, env = "HIGHLEVEL_BASE_URL")]
    base_url: Option<String>,
    /// The client's burst limit, N/DURATION (such as 100/10s or 50/1s); default the spec's.
    #[arg(long, global = true, value_parser = parse_rate_limit)]
    rate_limit: Option<RateLimit>,
    /// Share the rate budget with every process that uses the same token (or OAuth app and
    /// location) and server, through Redis: redis://[:PASSWORD@]HOST:PORT[/DB]. Without
    /// it, the budget is this process's alone. A request Redis cannot admit is not sent.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_RATE_STORE",
        hide_env_values = true,
        value_name = "URL"
    )]
    rate_store: Option<String>,
    /// Attempts per request, retries included.
    #[arg(long, global = true, default_value_t = 5)]
    attempts: u32,
    /// The fields the location's "Allow Duplicate Contact" setting matches upserts on,
    /// such as `email` or `email,phone`. An upsert that may have been applied (a timeout,
    /// a 5xx) is sent again only when it carries all of them; by default the fields the
    /// spec's retry rule names (`x-retry-safe-when`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "FIELD,...")]
    match_fields: Option<Vec<String>>,
    /// Record every departure of the server's answers from the spec (an undeclared
    /// property or status, an unlisted enum value, a `null` where none is allowed…) in
    /// FILE, a JSON Lines file that several processes may append to. Lines name the place
    /// and the shape seen, never a contact's values.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_RECORD_DRIFT",
        value_name = "FILE"
    )]
    record_drift: Option<String>,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// A token, or an OAuth app's credentials and a refresh token.
#[derive(Args)]
#[command(next_help_heading = "Credentials")]
struct CredentialArgs {
    /// The access token. Prefer the variable: a command line is visible to other users of
    /// the machine.
    #[arg(long, global = true, env = "HIGHLEVEL_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// OAuth, without a token: the app's client id.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_CLIENT_ID",
        hide_env_values = true
    )]
    client_id: Option<String>,
    /// OAuth: the app's client secret.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
    /// OAuth: the refresh token the access tokens are renewed with.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_REFRESH_TOKEN",
        hide_env_values = true
    )]
    refresh_token: Option<String>,
    /// OAuth: the `user_type` a renewal asks for (default: Location).
    #[arg(long, global = true, env = "HIGHLEVEL_USER_TYPE")]
    user_type: Option<String>,
    /// OAuth: the file each new refresh token is written to, when HighLevel rotates it.
    #[arg(
        long,
        global = true,
        env = "HIGHLEVEL_REFRESH_TOKEN_FILE",
        value_name = "FILE"
    )]
    refresh_token_file: Option<String>,
}

impl ClientArgs {
    /// Forgets the values read from an empty variable.
    pub fn forget_empty_variables(&mut self, matches: &ArgMatches) {
        let credentials = &mut self.credentials;
        for (id, value) in [
            ("base_url", &mut self.base_url),
            ("rate_store", &mut self.rate_store),
            ("record_drift", &mut self.record_drift),
            ("token", &mut credentials.token),
            ("client_id", &mut credentials.client_id),
            ("client_secret", &mut credentials.client_secret),
            ("refresh_token", &mut credentials.refresh_token),
            ("user_type", &mut credentials.user_type),
            ("refresh_token_file", &mut credentials.refresh_token_file),
        ] {
            if matches.value_source(id) == Some(ValueSource::EnvVariable)
                && value.as_deref() == Some("")
            {
                *value = None;
            }
        }
    }

    /// The client, and the base URL it sends to (without a trailing `/`).
    pub fn client(self) -> Result<(Client, String), Failure> {
        let credentials = self.credentials.credentials(self.base_url.as_deref())?;
        let mut builder = Client::builder(credentials).retry(
            RetryPolicy::new(self.attempts.max(1), Duration::from_millis(200))
                .max_delay(Duration::from_secs(30)),
        );
        if let Some(base_url) = &self.base_url {
            builder = builder.base_url(base_url);
        }
        if let Some(url) = &self.rate_store {
            let store =
                RateStore::redis(url).map_err(|e| Failure::usage(format!("--rate-store: {e}")))?;
            builder = builder.rate_store(store);
        }
        if let Some(file) = &self.record_drift {
            builder = builder.record_drift(file);
        }
        if let Some(limit) = self.rate_limit {
            builder = builder.rate_limits(&[(limit.requests, limit.window)]);
        }
        if let Some(fields) = self.match_fields {
            if let Some(unknown) = fields
                .iter()
                .find(|name| <UpsertContactRequest as RequestFields>::field(name).is_none())
            {
                return Err(Failure::usage(format!(
                    "--match-fields: `{unknown}` is not a field of Upsert Contact"
                )));
            }
            builder = builder.matched_fields(fields);
        }
        let client = builder
            .build()
            .map_err(|e| Failure::usage(format!("cannot build the client: {e}")))?;
        let base_url = self
            .base_url
            .unwrap_or_else(|| highlevel_contacts::DEFAULT_BASE_URL.to_owned());
        Ok((client, base_url.trim_end_matches('/').to_owned()))
    }
}

impl CredentialArgs {
    /// The token, or else OAuth renewal (client id, secret and refresh token); rotated
    /// refresh tokens are written to the refresh token file when one is named.
    /// OAuth's token URL is on `base_url`, when one is given.
    fn credentials(&self, base_url: Option<&str>) -> Result<Credentials, Failure> {
        let client_id = match (&self.token, &self.client_id) {
            (Some(token), _) => return Ok(token.clone().into()),
            (None, Some(client_id)) => client_id.clone(),
            (None, None) => {
                return Err(Failure::usage(
                    "set HIGHLEVEL_TOKEN, or HIGHLEVEL_CLIENT_ID, HIGHLEVEL_CLIENT_SECRET and HIGHLEVEL_REFRESH_TOKEN",
                ));
            }
        };
        let required = |value: &Option<String>, name: &str| {
            value
                .clone()
                .ok_or_else(|| Failure::usage(format!("set {name}")))
        };
        let secret = required(&self.client_secret, "HIGHLEVEL_CLIENT_SECRET")?;
        let refresh_token = required(&self.refresh_token, "HIGHLEVEL_REFRESH_TOKEN")?;
        let user_type = self
            .user_type
            .clone()
            .unwrap_or_else(|| "Location".to_owned());
        let token_url = match base_url {
            Some(base) => format!("{}/oauth/token", base.trim_end_matches('/')),
            None => highlevel_contacts::OAUTH_TOKEN_URL.to_owned(),
        };
        let store: Option<PathBuf> = self.refresh_token_file.as_ref().map(PathBuf::from);
        Ok(OAuthRefresh::new(token_url, client_id, secret, refresh_token)
            .form_field("user_type", user_type)
            // HighLevel counts an app's requests per location or company, which its token
            // response names.
            .rate_budget_fields(["locationId", "companyId"])
            .on_refresh_token(move |token| {
                let store = store.clone();
                async move {
                    match store {
                        Some(path) => std::fs::write(&path, token.expose())
                            .map_err(|e| format!("cannot store the refresh token: {e}")),
                        None => {
                            eprintln!(
                                "note: a new refresh token was issued; set HIGHLEVEL_REFRESH_TOKEN_FILE to keep it"
                            );
                            Ok(())
                        }
                    }
                }
            })
            .into())
    }
}
