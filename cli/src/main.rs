//! `highlevel-contacts`: HighLevel's Update Contact and Upsert Contact from a shell, and a
//! CSV bulk import.
//!
//! Exit codes: 0 success, 2 usage, 3 API error, 4 network error, 5 import finished with
//! failed rows, 6 import finished with rows whose outcome is unknown (they may have been
//! applied; check them before sending them again), 7 import stopped with rows not sent (the
//! rate store could not be used: run it again to send them), 130 interrupted.

mod client;
mod failure;
mod fields;
mod import;
// The mock's `N/DURATION` reader, compiled here too, so that the tool and the mock read a
// rate limit alike.
#[path = "../../mock/src/rate_limit_text.rs"]
mod rate_limit_text;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use client::ClientArgs;
use failure::{EXIT_API, EXIT_USAGE, Failure, failure, serde_text};
use fields::FieldFlags;
use highlevel_contacts::RequestFields;
use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use serde_json::{Map, Value};

/// HighLevel Contacts from the command line. The token comes from `HIGHLEVEL_TOKEN` (or
/// `HIGHLEVEL_CLIENT_ID`, `HIGHLEVEL_CLIENT_SECRET` and `HIGHLEVEL_REFRESH_TOKEN` for OAuth)
/// or the flag of the same name, the base URL from `--base-url` or `HIGHLEVEL_BASE_URL`.
#[derive(Parser)]
#[command(name = "highlevel-contacts", version)]
struct Cli {
    #[command(flatten)]
    client: ClientArgs,
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
        #[command(flatten)]
        print: PrintArg,
    },
    /// Upsert Contact: `POST /contacts/upsert`. Creates the contact or updates its match.
    UpsertContact {
        /// The whole body as JSON; field flags given too are set on it.
        #[arg(long)]
        json: Option<String>,
        #[command(flatten)]
        fields: FieldFlags<UpsertContactRequest>,
        #[command(flatten)]
        print: PrintArg,
    },
    /// Upserts every row of a CSV file; resumable (progress in `FILE.csv.progress`).
    Import(import::ImportArgs),
}

/// `--print POINTER`: one value of the answer instead of all of it.
#[derive(clap::Args)]
struct PrintArg {
    /// Print only the answer's value at this JSON pointer, such as `/contact/id`: text as
    /// it is, anything else as JSON. Nothing is printed when the answer has no such value.
    #[arg(long, value_name = "POINTER", value_parser = parse_pointer)]
    print: Option<String>,
}

fn parse_pointer(text: &str) -> Result<String, String> {
    if text.is_empty() || text.starts_with('/') {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "a JSON pointer starts with `/`, such as `/contact/id` (not `{text}`)"
        ))
    }
}

/// The command line, with what an empty variable gave forgotten.
fn parse_command_line() -> Result<Cli, clap::Error> {
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(std::env::args_os())?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(|error| error.format(&mut command))?;
    cli.client.forget_empty_variables(&matches);
    Ok(cli)
}

fn main() -> ExitCode {
    let cli = match parse_command_line() {
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
    let (client, base_url) = cli.client.client()?;
    match cli.command {
        Command::UpdateContact {
            contact_id,
            json,
            fields,
            clear,
            print,
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
            print_answer(answer.body(), &print)
        }
        Command::UpsertContact {
            json,
            fields,
            print,
        } => {
            let body: UpsertContactRequest = typed_body(body_object(json, fields)?)?;
            let answer = client.upsert_contact(&body).await.map_err(failure)?;
            print_answer(answer.body(), &print)
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

/// Prints the answer, or its value at `--print`'s pointer. The request was applied either
/// way, so a pointer that finds nothing is a note, not a failure.
fn print_answer(answer: &impl serde::Serialize, print: &PrintArg) -> Result<(), Failure> {
    let cannot_print = |e: serde_json::Error| Failure {
        code: EXIT_API,
        message: format!("cannot print the answer: {e}"),
    };
    let Some(pointer) = &print.print else {
        println!(
            "{}",
            serde_json::to_string_pretty(answer).map_err(cannot_print)?
        );
        return Ok(());
    };
    let answer = serde_json::to_value(answer).map_err(cannot_print)?;
    match answer.pointer(pointer) {
        Some(Value::String(text)) => println!("{text}"),
        Some(value) => println!("{value}"),
        None => eprintln!("note: the request was applied; its answer has nothing at `{pointer}`"),
    }
    Ok(())
}
