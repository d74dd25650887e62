//! `highlevel-contacts`: HighLevel's Update Contact and Upsert Contact from a shell, and a
//! CSV bulk import.
//!
//! Exit codes: 0 success, 2 usage, 3 API error, 4 network error, 5 import finished with
//! failed rows, 6 import finished with rows whose outcome is unknown (they may have been
//! applied; check them before sending them again), 130 interrupted.

mod failure;
mod fields;
mod import;
// The mock's `N/DURATION` reader, compiled here too, so that the tool and the mock read a
// rate limit alike.
#[path = "../../mock/src/rate_limit_text.rs"]
mod rate_limit_text;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use failure::{EXIT_API, EXIT_USAGE, Failure, failure, serde_text};
use fields::FieldFlags;
use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{
    Client, Credentials, OAuthRefresh, RateLimit, RequestFields, RetryPolicy,
};
use serde_json::{Map, Value};

/// HighLevel Contacts from the command line. The token comes from `HIGHLEVEL_TOKEN` (or
/// `HIGHLEVEL_CLIENT_ID`, `HIGHLEVEL_CLIENT_SECRET` and `HIGHLEVEL_REFRESH_TOKEN` for OAuth),
/// the base URL from `--base-url` or `HIGHLEVEL_BASE_URL`.
#[derive(Parser)]
#[command(name = "highlevel-contacts", version)]
struct Cli {
    /// The API's base URL (default: `HIGHLEVEL_BASE_URL`, then HighLevel's).
    #[arg(long, global = true)]
    base_url: Option<String>,
    /// The client's burst limit, N/DURATION (such as 100/10s or 50/1s); default the spec's.
    #[arg(long, global = true, value_parser = rate_limit_text::parse_rate_limit)]
    rate_limit: Option<RateLimit>,
    /// Attempts per request, retries included.
    #[arg(long, global = true, default_value_t = 5)]
    attempts: u32,
    /// The fields the location's "Allow Duplicate Contact" setting matches upserts on,
    /// such as `email` or `email,phone`. An upsert that may have been applied (a timeout,
    /// a 5xx) is sent again only when it carries all of them; by default the fields the
    /// spec's retry rule names (`x-retry-safe-when`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "FIELD,...")]
    match_fields: Option<Vec<String>>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Update Contact: `PUT /contacts/{contactId}`. Only the fields given change.
    UpdateContact {
        #[arg(long)]
        contact_id: String,
        /// The whole body as JSON; field flags given too are set on it.
        #[arg(long)]
        json: Option<String>,
        #[command(flatten)]
        fields: FieldFlags<UpdateContactRequest>,
        /// Clear a field (send `null`), by its API name, such as `email` or `firstName`.
        #[arg(long, value_name = "FIELD")]
        clear: Vec<String>,
    },
    /// Upsert Contact: `POST /contacts/upsert`. Creates the contact or updates its match.
    UpsertContact {
        /// The whole body as JSON; field flags given too are set on it.
        #[arg(long)]
        json: Option<String>,
        #[command(flatten)]
        fields: FieldFlags<UpsertContactRequest>,
    },
    /// Upserts every row of a CSV file; resumable (progress in `FILE.csv.progress`).
    Import(import::ImportArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("error: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let (client, base_url) =
        client_from_env(cli.base_url, cli.rate_limit, cli.attempts, cli.match_fields)?;
    match cli.command {
        Command::UpdateContact {
            contact_id,
            json,
            fields,
            clear,
        } => {
            let mut object = body_object(json, fields)?;
            for name in clear {
                match <UpdateContactRequest as RequestFields>::field(&name) {
                    None => return Err(Failure::usage(format!("--clear: unknown field `{name}`"))),
                    Some(field) if !field.nullable => {
                        return Err(Failure::usage(format!(
                            "--clear: `{name}` cannot be cleared: the spec does not allow `null` for it"
                        )));
                    }
                    Some(_) => {
                        object.insert(name, Value::Null);
                    }
                }
            }
            let body: UpdateContactRequest = typed_body(object)?;
            let answer = client
                .update_contact(&contact_id, &body)
                .await
                .map_err(failure)?;
            print_json(answer.body())
        }
        Command::UpsertContact { json, fields } => {
            let body: UpsertContactRequest = typed_body(body_object(json, fields)?)?;
            let answer = client.upsert_contact(&body).await.map_err(failure)?;
            print_json(answer.body())
        }
        Command::Import(args) => import::run(&client, &base_url, args).await,
    }
}

/// The `--json` body, or an empty one, with the property flags given set on it.
fn body_object<T>(
    json: Option<String>,
    flags: FieldFlags<T>,
) -> Result<Map<String, Value>, Failure> {
    let mut object = match json {
        Some(text) => match serde_json::from_str(&text) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(Failure::usage("--json: the body must be a JSON object")),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "--json is not valid JSON: {}",
                    serde_text(&e)
                )));
            }
        },
        None => Map::new(),
    };
    object.extend(flags.into_object());
    Ok(object)
}

/// The body as `T`: every property declared by the spec, each of the declared type.
fn typed_body<T: RequestFields + serde::de::DeserializeOwned>(
    object: Map<String, Value>,
) -> Result<T, Failure> {
    let undeclared = T::undeclared(&object);
    if !undeclared.is_empty() {
        let names: Vec<String> = undeclared.iter().map(|name| format!("`{name}`")).collect();
        return Err(Failure::usage(format!(
            "invalid body: unknown field {}",
            names.join(", unknown field ")
        )));
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|e| Failure::usage(format!("invalid body: {}", serde_text(&e))))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure {
        code: EXIT_API,
        message: format!("cannot print the answer: {e}"),
    })?;
    println!("{text}");
    Ok(())
}

/// A client from the environment: `HIGHLEVEL_TOKEN`, or `HIGHLEVEL_CLIENT_ID` +
/// `HIGHLEVEL_CLIENT_SECRET` + `HIGHLEVEL_REFRESH_TOKEN` (with `HIGHLEVEL_USER_TYPE`,
/// default `Location`) for OAuth renewal; rotated refresh tokens are written to
/// `HIGHLEVEL_REFRESH_TOKEN_FILE` when it is set.
fn client_from_env(
    base_url: Option<String>,
    rate_limit: Option<RateLimit>,
    attempts: u32,
    match_fields: Option<Vec<String>>,
) -> Result<(Client, String), Failure> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let base_url = base_url.or_else(|| var("HIGHLEVEL_BASE_URL"));
    let credentials: Credentials = match (var("HIGHLEVEL_TOKEN"), var("HIGHLEVEL_CLIENT_ID")) {
        (Some(token), _) => token.into(),
        (None, Some(client_id)) => {
            let required =
                |name: &str| var(name).ok_or_else(|| Failure::usage(format!("set {name}")));
            let secret = required("HIGHLEVEL_CLIENT_SECRET")?;
            let refresh_token = required("HIGHLEVEL_REFRESH_TOKEN")?;
            let user_type = var("HIGHLEVEL_USER_TYPE").unwrap_or_else(|| "Location".to_owned());
            let token_url = match &base_url {
                Some(base) => format!("{}/oauth/token", base.trim_end_matches('/')),
                None => highlevel_contacts::OAUTH_TOKEN_URL.to_owned(),
            };
            let store: Option<PathBuf> = var("HIGHLEVEL_REFRESH_TOKEN_FILE").map(PathBuf::from);
            OAuthRefresh::new(token_url, client_id, secret, refresh_token)
                .form_field("user_type", user_type)
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
                .into()
        }
        (None, None) => {
            return Err(Failure::usage(
                "set HIGHLEVEL_TOKEN, or HIGHLEVEL_CLIENT_ID, HIGHLEVEL_CLIENT_SECRET and HIGHLEVEL_REFRESH_TOKEN",
            ));
        }
    };
    let mut builder = Client::builder(credentials).retry(
        RetryPolicy::new(attempts.max(1), Duration::from_millis(200))
            .max_delay(Duration::from_secs(30)),
    );
    if let Some(base_url) = &base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(limit) = rate_limit {
        builder = builder.rate_limits(&[(limit.requests, limit.window)]);
    }
    if let Some(fields) = match_fields {
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
    let base_url = base_url.unwrap_or_else(|| highlevel_contacts::DEFAULT_BASE_URL.to_owned());
    Ok((client, base_url.trim_end_matches('/').to_owned()))
}
