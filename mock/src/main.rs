//! `highlevel-mock --listen 127.0.0.1:PORT --token TOKEN [--rate-limit 100/10s]
//! [--allow-duplicates] [--match-order email,phone] [--delay-ms N] [--url-file FILE]
//! [--seed FILE] [--drift]`

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use highlevel_mock::{Config, MockServer, RateLimit, parse_match_order, parse_rate_limit};

/// A stateful mock of HighLevel's Contacts API (Update and Upsert Contact).
#[derive(Parser)]
#[command(name = "highlevel-mock", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The token requests must carry as `Authorization: Bearer TOKEN`.
    #[arg(long)]
    token: String,
    /// The burst limit, N/DURATION (such as 100/10s, 50/1s, 500/250ms).
    #[arg(long, default_value = "100/10s", value_parser = parse_rate_limit)]
    rate_limit: RateLimit,
    /// The Location allows duplicate contacts.
    #[arg(long)]
    allow_duplicates: bool,
    /// The fields upsert matches on, in priority order, such as `email,phone` (default: the
    /// fields the spec's retry rule for Upsert Contact requires).
    #[arg(long, value_name = "FIELD,...")]
    match_order: Option<String>,
    /// Wait this many milliseconds before every API answer.
    #[arg(long, default_value_t = 0)]
    delay_ms: u64,
    /// Once listening, write the base URL (`http://127.0.0.1:PORT`) to this file, so a
    /// script that started the mock in the background can wait for it and read the port.
    #[arg(long, value_name = "FILE")]
    url_file: Option<PathBuf>,
    /// A JSON file holding a list of contacts to store before serving, each an object with a
    /// `locationId` (and, if wanted, an `id` and `additionalEmails`, a list of addresses).
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,
    /// Successes drift from the spec: a contact property it does not declare
    /// (`preferredLanguage`), an SMS DND status it does not list (`paused`), `tags: null`,
    /// `dateAdded` as a date, and 201 for an upsert.
    #[arg(long)]
    drift: bool,
}

/// Stores the contacts of a `--seed` file, or says why it cannot.
fn store_seed(server: &MockServer, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
    let contacts: Vec<serde_json::Value> = serde_json::from_str(&text)
        .map_err(|error| format!("not a JSON list of contacts: {error}"))?;
    for (index, contact) in contacts.into_iter().enumerate() {
        server
            .insert_contact(contact)
            .map_err(|error| format!("contact {} (counting from 1): {error}", index + 1))?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut config = Config::new(args.token)
        .listen(args.listen)
        .rate_limit(args.rate_limit)
        .allow_duplicates(args.allow_duplicates)
        .delay(Duration::from_millis(args.delay_ms))
        .drift(args.drift);
    if let Some(text) = &args.match_order {
        match parse_match_order(text) {
            Ok(order) => config = config.match_order(order),
            Err(error) => {
                eprintln!("error: --match-order: {error}");
                return ExitCode::from(2);
            }
        }
    }
    let server = match MockServer::start(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.seed
        && let Err(error) = store_seed(&server, path)
    {
        eprintln!("error: --seed {}: {error}", path.display());
        server.shutdown().await;
        return ExitCode::from(2);
    }
    println!("listening on {}", server.addr());
    if let Some(path) = &args.url_file
        && let Err(error) = write_whole(path, &format!("http://{}\n", server.addr()))
    {
        eprintln!("error: --url-file {}: {error}", path.display());
        server.shutdown().await;
        return ExitCode::FAILURE;
    }
    stopped().await;
    let stats = server.stats();
    server.shutdown().await;
    println!(
        "served {} requests ({} rate-limited), {} contacts stored",
        stats.requests, stats.rate_limited, stats.contacts
    );
    ExitCode::SUCCESS
}

/// Writes `text` to `path` all at once (a sibling file renamed over it), so a reader that
/// waits for the file never reads half a URL.
fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

/// Ctrl-C, or `kill` (SIGTERM) from the shell that started the mock in the background.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
