//! `highlevel-contacts import FILE.csv --location-id ID`.
//!
//! - Columns are the API names of Upsert Contact's properties, read from the generated
//!   crate's table: a boolean takes `true` or `false`, a number its digits, a list of text
//!   (`tags`) values separated by `;`, an object or a list of objects JSON. `cf.<id>` sets
//!   the custom field `<id>` (`rows`).
//! - An empty cell leaves the field out (never `null`).
//! - `FILE.csv.progress` starts with the server and location it describes; resuming
//!   against another is refused (`--restart` starts over). Each finished row is recorded
//!   there with its outcome (`created`, `updated`, `applied`, `unknown` or `failed`), its
//!   content hash and a reason, flushed at once (`progress`, `outcome`). A new run skips
//!   the rows recorded there unless their content changed (`--retry-failed` sends the
//!   failed ones again, and the unknown ones whose repeat is safe). Delete it, or run with
//!   `--restart`, to import the whole file again.
//! - Rows go out concurrently, those that may reach one contact one after the other
//!   (`scheduler`).
//! - Ctrl-C (SIGINT) stops sending new rows, waits for the rows in flight, and exits 130.
//! - A row the client refuses before sending (the rate store is unreachable, the rate
//!   budget is spent) is not recorded: the summary counts it as `not sent`, no new row
//!   starts, and a rerun sends it.

mod outcome;
mod progress;
mod rows;
mod scheduler;

use std::collections::HashSet;
use std::path::PathBuf;

use clap::Args;
use highlevel_contacts::Client;
use indicatif::{ProgressBar, ProgressStyle};

use crate::failure::Failure;
use outcome::Outcome;
use progress::{Done, ProgressFile, Target};
use rows::Table;
use scheduler::{Finished, Scheduler};

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

/// `base_url` is the server the client sends to; with the location, it is
/// what a progress file describes.
pub async fn run(client: &Client, base_url: &str, args: ImportArgs) -> Result<(), Failure> {
    let table = Table::read(&args.file)?;
    let progress_path = progress::path_for(&args.file);
    if args.restart {
        progress::remove(&progress_path)?;
    }
    let target = Target {
        server: base_url.to_owned(),
        location: args.location_id.clone(),
    };
    let mut done = progress::read(&progress_path, &target)?;
    let unknown_before = forget_rows_to_send_again(&mut done, &table, args.retry_failed);
    let file = ProgressFile::open(&progress_path, &target)?;
    let bar = progress_bar(&table, &done);
    let pending = table
        .rows
        .iter()
        .filter(|row| !done.contains_key(&row.index))
        .collect();
    let scheduler = Scheduler::new(
        client,
        &table,
        &args.location_id,
        unknown_before,
        args.concurrency,
    );
    let mut finished = Finished {
        file,
        done,
        bar,
        not_sent: Default::default(),
    };
    let interrupted = scheduler.send(pending, &mut finished).await?;
    finished.bar.finish_and_clear();
    outcome::report(
        &finished.done,
        &table,
        interrupted,
        &finished.not_sent,
        &progress_path,
    )
}

/// Forgets the recorded rows this run sends again, and returns the unknown ones among them.
///
/// An edited row is new data: sent again, unless it may have been applied before (an
/// unknown row is settled first). With `--retry-failed`, failed rows are sent again, and
/// unknown ones only when a repeat is safe for their body (judged once the row is built).
fn forget_rows_to_send_again(done: &mut Done, table: &Table, retry_failed: bool) -> HashSet<usize> {
    done.retain(|index, recorded| {
        recorded.outcome == Outcome::Unknown || table.hash(*index) == Some(recorded.hash.as_str())
    });
    let mut unknown_before = HashSet::new();
    if retry_failed {
        done.retain(|index, recorded| match recorded.outcome {
            Outcome::Failed => false,
            Outcome::Unknown => {
                unknown_before.insert(*index);
                false
            }
            _ => true,
        });
    }
    unknown_before
}

fn progress_bar(table: &Table, done: &Done) -> ProgressBar {
    let bar = ProgressBar::new(table.rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows, {per_sec}, eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let recorded = table
        .rows
        .iter()
        .filter(|row| done.contains_key(&row.index))
        .count();
    bar.set_position(recorded as u64);
    bar
}
