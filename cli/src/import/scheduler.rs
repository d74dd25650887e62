//! Sends the rows: up to `--concurrency` at a time, paced by the client's rate limiter. Rows
//! that share a value the location matches on (an email, a phone) are sent one after the
//! other, in file order, so a later row's values win as they would in a sequential import.
//! Ctrl-C stops sending new rows; the rows in flight finish and are recorded.
//!
//! The first row goes out alone: its answer says what the server counts of the budget
//! already (an earlier run's requests, another process's), and the client's limiter takes
//! that in before the others start. A row the client did not send (the rate store could not
//! be used, the budget is spent) is not recorded, and no new row starts after it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use highlevel_contacts::types::UpsertContactRequest;
use highlevel_contacts::{Client, OPERATIONS, OperationPolicy, RequestFields};
use indicatif::ProgressBar;
use serde_json::Value;
use tokio::task::{Id, JoinError, JoinSet};

use super::outcome::{NotSent, Outcome};
use super::progress::{Done, ProgressFile, Recorded};
use super::rows::{Row, Table};
use crate::failure::Failure;

/// The operation every row is sent with, by its method name.
const UPSERT: &str = "upsert_contact";

/// Where a finished row goes: the progress file, the run's record and the progress bar.
pub struct Finished {
    pub file: ProgressFile,
    pub done: Done,
    pub bar: ProgressBar,
    pub not_sent: NotSent,
}

impl Finished {
    fn record(
        &mut self,
        index: usize,
        hash: &str,
        outcome: Outcome,
        reason: &str,
    ) -> Result<(), Failure> {
        let recorded = Recorded::new(outcome, hash, reason);
        self.file.append(index, &recorded)?;
        self.done.insert(index, recorded);
        self.bar.inc(1);
        Ok(())
    }
}

/// What a row's task returns: its outcome and the reason to record, or why it was not sent.
type Sent = Result<(Outcome, String), String>;

/// A row built into its body, with the values it matches on.
struct Ready {
    index: usize,
    hash: String,
    body: UpsertContactRequest,
    keys: Vec<String>,
}

pub struct Scheduler<'a> {
    client: Arc<Client>,
    table: &'a Table,
    location_id: &'a str,
    /// The fields the location matches on, and the spec's: rows sharing a value of any of
    /// them may reach one contact.
    match_fields: Vec<String>,
    /// Rows an earlier run left unknown, sent again only when a repeat is safe for their body.
    unknown_before: HashSet<usize>,
    concurrency: usize,
    in_flight: JoinSet<Sent>,
    /// Per task: its row's index and hash, and the match values it holds.
    tasks: HashMap<Id, (usize, String, Vec<String>)>,
    /// The match values of the rows in flight.
    busy: HashSet<String>,
    /// A row waiting for a row in flight that shares a match value.
    held: Option<Ready>,
    /// Whether a row has come back: until then, one row is in flight.
    answered: bool,
    /// Whether a row was not sent: then no new row starts.
    stopped: bool,
}

impl<'a> Scheduler<'a> {
    pub fn new(
        client: &Client,
        table: &'a Table,
        location_id: &'a str,
        unknown_before: HashSet<usize>,
        concurrency: usize,
    ) -> Self {
        let mut match_fields = client.match_fields(UPSERT);
        let spec_fields =
            OperationPolicy::find(OPERATIONS, UPSERT).map(|op| op.retry.all_present());
        for name in spec_fields.unwrap_or_default() {
            if !match_fields.iter().any(|field| field == name) {
                match_fields.push((*name).to_owned());
            }
        }
        Scheduler {
            client: Arc::new(client.clone()),
            table,
            location_id,
            match_fields,
            unknown_before,
            concurrency: concurrency.max(1),
            in_flight: JoinSet::new(),
            tasks: HashMap::new(),
            busy: HashSet::new(),
            held: None,
            answered: false,
            stopped: false,
        }
    }

    /// Sends the pending rows and records each as it finishes; says whether Ctrl-C
    /// interrupted the run.
    pub async fn send(
        mut self,
        pending: Vec<&Row>,
        finished: &mut Finished,
    ) -> Result<bool, Failure> {
        let mut pending = pending.into_iter();
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut interrupted = false;
        loop {
            if !interrupted && !self.stopped {
                self.start_rows(&mut pending, finished)?;
            }
            if self.in_flight.is_empty() {
                break;
            }
            tokio::select! {
                _ = &mut ctrl_c, if !interrupted => {
                    interrupted = true;
                    finished.bar.println("interrupted: finishing the rows in flight");
                }
                Some(joined) = self.in_flight.join_next_with_id() => {
                    self.finish(joined, finished)?;
                }
            }
        }
        if self.stopped {
            finished.not_sent.rows += pending.count() + usize::from(self.held.is_some());
        }
        Ok(interrupted)
    }

    /// Starts rows until `concurrency` are in flight, the rows run out, or the next row
    /// must wait for one in flight.
    fn start_rows<'r>(
        &mut self,
        pending: &mut impl Iterator<Item = &'r Row>,
        finished: &mut Finished,
    ) -> Result<(), Failure> {
        let concurrency = if self.answered { self.concurrency } else { 1 };
        while self.in_flight.len() < concurrency {
            let ready = match self.held.take() {
                Some(ready) => ready,
                None => match self.next_ready(pending, finished)? {
                    Some(ready) => ready,
                    None => break,
                },
            };
            if ready.keys.iter().any(|key| self.busy.contains(key)) {
                self.held = Some(ready);
                break;
            }
            self.busy.extend(ready.keys.iter().cloned());
            let client = self.client.clone();
            let body = ready.body;
            let task = self
                .in_flight
                .spawn(async move { Outcome::of(client.upsert_contact(&body).await) });
            self.tasks
                .insert(task.id(), (ready.index, ready.hash, ready.keys));
        }
        Ok(())
    }

    /// The next row that can be sent. A row that cannot is recorded on the way: failed, or
    /// unknown again when a repeat is not safe.
    fn next_ready<'r>(
        &self,
        pending: &mut impl Iterator<Item = &'r Row>,
        finished: &mut Finished,
    ) -> Result<Option<Ready>, Failure> {
        for row in pending {
            let body = row
                .cells
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|cells| self.table.request(cells, self.location_id));
            match body {
                Ok(body)
                    if self.unknown_before.contains(&row.index)
                        && !self.client.is_repeat_safe(UPSERT, &body) =>
                {
                    finished.record(
                        row.index,
                        &row.hash,
                        Outcome::Unknown,
                        "not sent again: it may have been applied, and a repeat could create a second contact; check the contact, then delete this row's lines from the progress file",
                    )?;
                }
                Ok(body) => {
                    return Ok(Some(Ready {
                        index: row.index,
                        hash: row.hash.clone(),
                        keys: match_keys(&body, &self.match_fields),
                        body,
                    }));
                }
                Err(why) => finished.record(row.index, &row.hash, Outcome::Failed, &why)?,
            }
        }
        Ok(None)
    }

    /// Records a row that came back, and frees its match values.
    fn finish(
        &mut self,
        joined: Result<(Id, Sent), JoinError>,
        finished: &mut Finished,
    ) -> Result<(), Failure> {
        self.answered = true;
        let (id, answer) = match joined {
            Ok(joined) => joined,
            Err(error) => (
                error.id(),
                Ok((
                    Outcome::Failed,
                    format!("internal error while sending: {error}"),
                )),
            ),
        };
        let Some((index, hash, keys)) = self.tasks.remove(&id) else {
            return Ok(());
        };
        for key in &keys {
            self.busy.remove(key);
        }
        match answer {
            Ok((outcome, why)) => finished.record(index, &hash, outcome, &why)?,
            Err(why) => {
                self.stopped = true;
                finished.not_sent.rows += 1;
                finished.not_sent.reason.get_or_insert(why);
            }
        }
        Ok(())
    }
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
