//! `highlevel-contacts import FILE.csv --location-id ID`.
//!
//! - Columns are the API names of Upsert Contact's properties, read from the generated
//!   crate's table: a boolean takes `true` or `false`, a number its digits, a list of text
//!   (`tags`) values separated by `;`, an object or a list of objects JSON. `cf.<id>` sets
//!   the custom field `<id>`.
//! - An empty cell leaves the field out (never `null`).
//! - `FILE.csv.progress` starts with the server and location it describes; resuming
//!   against another is refused (`--restart` starts over). Each finished row is appended
//!   as `index<TAB>outcome<TAB>content hash<TAB>reason` (outcome: `created`, `updated`, `applied`, `unknown` or `failed`), flushed at once; a
//!   new run skips the rows recorded there unless their content changed (`--retry-failed`
//!   sends the failed ones again, and
//!   the unknown ones whose repeat is safe; a later line for a row overrides an earlier one).
//!   Delete it to import the whole file again.
//! - Ctrl-C (SIGINT) stops sending new rows, waits for the rows in flight, and exits 130.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use highlevel_contacts::types::UpsertContactRequest;
use highlevel_contacts::{Client, FieldKind, OPERATIONS, OperationPolicy, RequestFields};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};
use tokio::task::JoinSet;

use crate::fields::parse_value;
use crate::{
    EXIT_FAILED_ROWS, EXIT_INTERRUPTED, EXIT_UNKNOWN_ROWS, EXIT_USAGE, Failure, reason, serde_text,
};

#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file; its first line names the columns.
    file: PathBuf,
    /// The Location (sub-account) the contacts go to (a `locationId` column overrides it).
    #[arg(long)]
    location_id: String,
    /// Rows sent at the same time; the client's rate limiter paces them.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Send again the rows an earlier run recorded as failed (by default they are skipped
    /// and reported again).
    #[arg(long)]
    retry_failed: bool,
    /// Forget the progress file and import every row again.
    #[arg(long)]
    restart: bool,
}

/// What became of a row. `Applied`: the server accepted it, but its answer did not say
/// whether a contact was created. `Unknown`: it may have been applied (a timeout, a dropped
/// connection, a 5xx), and sending it again is not known to be safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Created,
    Updated,
    Applied,
    Unknown,
    Failed,
}

impl Outcome {
    const ALL: [Outcome; 5] = [
        Outcome::Created,
        Outcome::Updated,
        Outcome::Applied,
        Outcome::Unknown,
        Outcome::Failed,
    ];

    fn word(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Applied => "applied",
            Outcome::Unknown => "unknown",
            Outcome::Failed => "failed",
        }
    }

    fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.word() == word)
    }

    /// Rows a run reports line by line, because someone must act on them.
    fn needs_attention(self) -> bool {
        matches!(self, Outcome::Unknown | Outcome::Failed)
    }

    fn of(
        answer: Result<
            highlevel_contacts::Response<highlevel_contacts::types::UpsertContactResponse>,
            highlevel_contacts::Error<highlevel_contacts::UpsertContactError>,
        >,
    ) -> (Self, String) {
        use highlevel_contacts::Error;
        match answer {
            Ok(answer) => match answer.body().created {
                Some(true) => (Outcome::Created, String::new()),
                Some(false) => (Outcome::Updated, String::new()),
                None => (
                    Outcome::Applied,
                    "the answer does not say whether a contact was created".to_owned(),
                ),
            },
            Err(error @ Error::AcceptedUndecodable(_)) => (Outcome::Applied, reason(&error)),
            Err(error @ Error::OutcomeUnknown { .. }) => (Outcome::Unknown, reason(&error)),
            Err(error) => (Outcome::Failed, reason(&error)),
        }
    }
}

/// The operation every row is sent with, by its method name.
const UPSERT: &str = "upsert_contact";

/// The first line of a progress file: what the rows were sent to.
const TARGET_MARK: &str = "# highlevel-contacts import";

/// `base_url` is the server the client sends to; with the location, it is
/// what a progress file describes.
pub async fn run(client: &Client, base_url: &str, args: ImportArgs) -> Result<(), Failure> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.file)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", args.file.display())))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            Failure::usage(format!(
                "cannot read the header of {}: {e}",
                args.file.display()
            ))
        })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    check_headers(&headers)?;
    // The file line each row starts on, for messages (a quoted cell can span lines).
    let mut lines = HashMap::new();
    let rows: Vec<(usize, Result<Vec<String>, String>)> = reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let line = match &record {
                Ok(record) => record.position().map(|p| p.line()),
                Err(error) => error.position().map(|p| p.line()),
            };
            if let Some(line) = line {
                lines.insert(i + 1, line);
            }
            let row = record
                .map_err(|e| format!("unreadable: {e}"))
                .and_then(|record| {
                    if record.len() == headers.len() {
                        Ok(record.iter().map(str::to_owned).collect())
                    } else {
                        Err(format!(
                            "has {} fields, the header has {}",
                            record.len(),
                            headers.len()
                        ))
                    }
                });
            (i + 1, row)
        })
        .collect();

    // A row's content, so an edited row is sent again.
    let hashes: HashMap<usize, String> = rows
        .iter()
        .map(|(index, row)| {
            let content = match row {
                Ok(cells) => cells.join("\u{1f}"),
                Err(why) => why.clone(),
            };
            (*index, content_hash(&content))
        })
        .collect();
    let progress_path = progress_path(&args.file);
    let target = format!("{TARGET_MARK}\t{base_url}\t{}", args.location_id);
    if args.restart {
        std::fs::remove_file(&progress_path)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| {
                Failure::usage(format!("cannot remove {}: {e}", progress_path.display()))
            })?;
    }
    let (recorded_target, mut done) = read_progress(&progress_path)?;
    match recorded_target {
        Some(recorded) if recorded != target => {
            let describe = |line: &str| {
                let mut parts = line.split('\t').skip(1);
                format!(
                    "{} (location {})",
                    parts.next().unwrap_or("?"),
                    parts.next().unwrap_or("?")
                )
            };
            return Err(Failure::usage(format!(
                "{} records an import to {}, not {}: run with --restart to start over",
                progress_path.display(),
                describe(&recorded),
                describe(&target)
            )));
        }
        None if !done.is_empty() => {
            return Err(Failure::usage(format!(
                "{} does not say where its rows went: run with --restart to start over",
                progress_path.display()
            )));
        }
        _ => {}
    }
    // An edited row is new data: sent again, unless it may have been applied before
    // (an unknown row is settled first).
    done.retain(|index, (outcome, hash, _)| {
        *outcome == Outcome::Unknown || hashes.get(index) == Some(hash)
    });
    // Unknown rows are sent again only when a repeat is safe for their body (judged
    // below, once the row is built); the others stay as recorded.
    let mut unknown_before = HashSet::new();
    if args.retry_failed {
        done.retain(|index, (outcome, _, _)| match outcome {
            Outcome::Failed => false,
            Outcome::Unknown => {
                unknown_before.insert(*index);
                false
            }
            _ => true,
        });
    }
    let write_error = |e: std::io::Error| {
        Failure::usage(format!("cannot write {}: {e}", progress_path.display()))
    };
    let mut progress = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&progress_path)
        .map_err(write_error)?;
    if progress.metadata().map_err(write_error)?.len() == 0 {
        writeln!(progress, "{target}").map_err(write_error)?;
    }

    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows, {per_sec}, eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_position(rows.iter().filter(|(i, _)| done.contains_key(i)).count() as u64);

    // The fields the location matches on, and the spec's: rows sharing a value of any of
    // them may reach one contact.
    let mut match_fields = client.match_fields(UPSERT);
    let spec_fields = OperationPolicy::find(OPERATIONS, UPSERT).map(|op| op.retry.all_present());
    for name in spec_fields.unwrap_or_default() {
        if !match_fields.iter().any(|field| field == name) {
            match_fields.push((*name).to_owned());
        }
    }
    let client = Arc::new(client.clone());
    let location_id: Arc<str> = args.location_id.into();
    let concurrency = args.concurrency.max(1);
    let pending: Vec<_> = rows
        .into_iter()
        .filter(|(i, _)| !done.contains_key(i))
        .collect();
    let mut pending = pending.into_iter();
    let mut in_flight = JoinSet::new();
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut interrupted = false;
    let mut record = |index: usize, outcome: Outcome, why: String| -> Result<(), Failure> {
        let why = why.replace(['\t', '\n', '\r'], " ");
        let hash = hashes.get(&index).cloned().unwrap_or_default();
        writeln!(progress, "{index}\t{}\t{hash}\t{why}", outcome.word())
            .and_then(|()| progress.flush())
            .map_err(|e| Failure {
                code: EXIT_USAGE,
                message: format!("cannot write {}: {e}", progress_path.display()),
            })?;
        done.insert(index, (outcome, hash, why));
        bar.inc(1);
        Ok(())
    };
    // Rows that share an email or phone are sent one after the other, in file order, so a
    // later row's values win as they would in a sequential import.
    let mut busy: HashSet<String> = HashSet::new();
    let mut tasks: HashMap<tokio::task::Id, (usize, Vec<String>)> = HashMap::new();
    let mut held: Option<(usize, UpsertContactRequest, Vec<String>)> = None;
    loop {
        while !interrupted && in_flight.len() < concurrency {
            let (index, body, keys) = match held.take() {
                Some(row) => row,
                None => {
                    let Some((index, row)) = pending.next() else {
                        break;
                    };
                    match row.and_then(|cells| build_request(&headers, &cells, &location_id)) {
                        Ok(body)
                            if unknown_before.contains(&index)
                                && !client.is_repeat_safe(UPSERT, &body) =>
                        {
                            record(
                                index,
                                Outcome::Unknown,
                                "not sent again: it may have been applied, and a repeat could create a second contact; check the contact, then delete this row's lines from the progress file".to_owned(),
                            )?;
                            continue;
                        }
                        Ok(body) => {
                            let keys = match_keys(&body, &match_fields);
                            (index, body, keys)
                        }
                        Err(why) => {
                            record(index, Outcome::Failed, why)?;
                            continue;
                        }
                    }
                }
            };
            if keys.iter().any(|key| busy.contains(key)) {
                held = Some((index, body, keys));
                break;
            }
            busy.extend(keys.iter().cloned());
            let client = client.clone();
            let task =
                in_flight.spawn(async move { Outcome::of(client.upsert_contact(&body).await) });
            tasks.insert(task.id(), (index, keys));
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            _ = &mut ctrl_c, if !interrupted => {
                interrupted = true;
                bar.println("interrupted: finishing the rows in flight");
            }
            Some(joined) = in_flight.join_next_with_id() => {
                let (id, (outcome, why)) = match joined {
                    Ok((id, outcome)) => (id, outcome),
                    Err(error) => (
                        error.id(),
                        (Outcome::Failed, format!("internal error while sending: {error}")),
                    ),
                };
                if let Some((index, keys)) = tasks.remove(&id) {
                    for key in &keys {
                        busy.remove(key);
                    }
                    record(index, outcome, why)?;
                }
            }
        }
    }
    bar.finish_and_clear();

    let mut indexes: Vec<_> = done.keys().copied().collect();
    indexes.sort_unstable();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for index in &indexes {
        let (outcome, _, why) = &done[index];
        *counts.entry(outcome.word()).or_default() += 1;
        if outcome.needs_attention() {
            let line = lines.get(index).copied().unwrap_or(*index as u64 + 1);
            eprintln!("row {index} (line {line}), {}: {why}", outcome.word());
        }
    }
    let summary: Vec<String> = Outcome::ALL
        .iter()
        .map(|outcome| {
            format!(
                "{} {}",
                outcome.word(),
                counts.get(outcome.word()).unwrap_or(&0)
            )
        })
        .collect();
    println!("{}", summary.join(", "));
    let (unknown, failed) = (
        counts.get("unknown").copied().unwrap_or(0),
        counts.get("failed").copied().unwrap_or(0),
    );
    if interrupted {
        return Err(Failure {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted; progress is in {}: run the same command to resume",
                progress_path.display()
            ),
        });
    }
    // Unknown rows outrank failed ones: sending them again blindly may duplicate.
    if unknown > 0 {
        return Err(Failure {
            code: EXIT_UNKNOWN_ROWS,
            message: String::new(),
        });
    }
    if failed > 0 {
        return Err(Failure {
            code: EXIT_FAILED_ROWS,
            message: String::new(),
        });
    }
    Ok(())
}

fn progress_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".progress");
    PathBuf::from(name)
}

/// Per row: its outcome, its content hash and the reason given.
type Done = HashMap<usize, (Outcome, String, String)>;

/// The first 16 hex digits of the SHA-256 of a row's content: stable across
/// runs, versions and machines.
fn content_hash(content: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content.as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The target line (`TARGET_MARK…`) and the rows a progress file records.
fn read_progress(path: &Path) -> Result<(Option<String>, Done), Failure> {
    let mut done = HashMap::new();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((None, done)),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let mut target = None;
    for line in BufReader::new(file).lines() {
        let line =
            line.map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
        if line.starts_with(TARGET_MARK) {
            target = Some(line);
            continue;
        }
        let mut parts = line.splitn(4, '\t');
        // A line cut short by a crash is ignored: its row is sent again.
        let (Some(index), Some(outcome), Some(hash)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if let (Ok(index), Some(outcome)) = (index.parse(), Outcome::parse(outcome)) {
            let why = parts.next().unwrap_or("").to_owned();
            done.insert(index, (outcome, hash.to_owned(), why));
        }
    }
    Ok((target, done))
}

/// Refuses a column that is not a field of Upsert Contact, before any row is sent.
fn check_headers(headers: &[String]) -> Result<(), Failure> {
    for header in headers {
        let custom_field = header.starts_with("cf.") && header.len() > 3;
        if !custom_field && <UpsertContactRequest as RequestFields>::field(header).is_none() {
            return Err(Failure::usage(format!(
                "column `{header}` is not a field of Upsert Contact (custom fields are `cf.<id>`)"
            )));
        }
    }
    Ok(())
}

/// The values upsert matches on (`match_fields`, email addresses in lower case): rows
/// sharing one are not sent at the same time.
fn match_keys(body: &UpsertContactRequest, match_fields: &[String]) -> Vec<String> {
    let Ok(Value::Object(sent)) = serde_json::to_value(body) else {
        return Vec::new();
    };
    match_fields
        .iter()
        .filter_map(|name| {
            let value = sent.get(name)?.as_str()?;
            let email = <UpsertContactRequest as RequestFields>::field(name)
                .is_some_and(|field| field.format == Some("email"));
            let value = if email {
                value.to_lowercase()
            } else {
                value.to_owned()
            };
            Some(format!("{name}:{value}"))
        })
        .collect()
}

/// One row as an upsert body, or why it cannot be sent.
fn build_request(
    headers: &[String],
    cells: &[String],
    location_id: &str,
) -> Result<UpsertContactRequest, String> {
    let mut object = Map::new();
    object.insert("locationId".into(), Value::String(location_id.to_owned()));
    let mut custom_fields = Vec::new();
    for (header, cell) in headers.iter().zip(cells) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        if let Some(id) = header.strip_prefix("cf.") {
            let mut field = Map::new();
            field.insert("id".into(), Value::String(id.to_owned()));
            field.insert("field_value".into(), Value::String(cell.to_owned()));
            custom_fields.push(Value::Object(field));
            continue;
        }
        let Some(field) = <UpsertContactRequest as RequestFields>::field(header) else {
            return Err(format!(
                "column `{header}` is not a field of Upsert Contact"
            ));
        };
        let value = match field.kind {
            FieldKind::List(items) if items.is_scalar() => cell
                .split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| parse_value(items, item))
                .collect::<Result<_, _>>(),
            ref kind => parse_value(kind, cell),
        }
        .map_err(|why| format!("column `{header}`: {why}"))?;
        object.insert(header.clone(), value);
    }
    if !custom_fields.is_empty() {
        let listed = match object.remove("customFields") {
            Some(Value::Array(mut listed)) => {
                listed.extend(custom_fields);
                listed
            }
            _ => custom_fields,
        };
        object.insert("customFields".into(), Value::Array(listed));
    }
    let body: UpsertContactRequest =
        serde_json::from_value(Value::Object(object)).map_err(|e| serde_text(&e))?;
    body.validate()?;
    Ok(body)
}
