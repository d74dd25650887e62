//! What became of each row, and the run's report: a line for each row someone must act
//! on, the counts, and the exit code.

use std::collections::HashMap;
use std::path::Path;

use highlevel_contacts::types::UpsertContactResponse;
use highlevel_contacts::{Error, Response, UpsertContactError};

use super::progress::Done;
use super::rows::Table;
use crate::failure::{
    EXIT_FAILED_ROWS, EXIT_INTERRUPTED, EXIT_NOT_SENT, EXIT_UNKNOWN_ROWS, Failure, reason,
};

/// What became of a row. `Applied`: the server accepted it, but its answer did not say
/// whether a contact was created. `Unknown`: it may have been applied (a timeout, a dropped
/// connection, a 5xx), and sending it again is not known to be safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
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

    pub fn word(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Applied => "applied",
            Outcome::Unknown => "unknown",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.word() == word)
    }

    /// Rows a run reports line by line, because someone must act on them.
    fn needs_attention(self) -> bool {
        matches!(self, Outcome::Unknown | Outcome::Failed)
    }

    /// A row's outcome from the client's answer, and the reason to record; `Err(why)` when
    /// the row was not sent, so a rerun sends it as if it had never been tried (the rate
    /// store could not be used, or the rate budget is spent for longer than a retry waits).
    pub fn of(
        answer: Result<Response<UpsertContactResponse>, Error<UpsertContactError>>,
    ) -> Result<(Self, String), String> {
        Ok(match answer {
            Err(error @ (Error::RateStore(_) | Error::RateLimited(_))) => {
                return Err(reason(&error));
            }
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
        })
    }
}

/// Rows this run did not send, and why the first was refused.
#[derive(Debug, Default)]
pub struct NotSent {
    pub rows: usize,
    pub reason: Option<String>,
}

/// Reports every recorded row (this run's and earlier runs') and the rows not sent, and
/// ends the run: 130 when interrupted, else 6 when a row is unknown, else 7 when rows were
/// not sent, else 5 when a row failed.
pub fn report(
    done: &Done,
    table: &Table,
    interrupted: bool,
    not_sent: &NotSent,
    progress_path: &Path,
) -> Result<(), Failure> {
    let mut indexes: Vec<_> = done.keys().copied().collect();
    indexes.sort_unstable();
    let mut counts: HashMap<Outcome, usize> = HashMap::new();
    for index in &indexes {
        let recorded = &done[index];
        *counts.entry(recorded.outcome).or_default() += 1;
        if recorded.outcome.needs_attention() {
            eprintln!(
                "row {index} (line {}), {}: {}",
                table.line(*index),
                recorded.outcome.word(),
                recorded.reason
            );
        }
    }
    let count = |outcome: Outcome| counts.get(&outcome).copied().unwrap_or(0);
    let mut summary: Vec<String> = Outcome::ALL
        .iter()
        .map(|outcome| format!("{} {}", outcome.word(), count(*outcome)))
        .collect();
    summary.push(format!("not sent {}", not_sent.rows));
    println!("{}", summary.join(", "));
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
    if count(Outcome::Unknown) > 0 {
        return Err(Failure {
            code: EXIT_UNKNOWN_ROWS,
            message: String::new(),
        });
    }
    if let Some(why) = &not_sent.reason {
        return Err(Failure {
            code: EXIT_NOT_SENT,
            message: format!(
                "{} rows not sent ({why}); they are not in {}: run the same command to send them",
                not_sent.rows,
                progress_path.display()
            ),
        });
    }
    if count(Outcome::Failed) > 0 {
        return Err(Failure {
            code: EXIT_FAILED_ROWS,
            message: String::new(),
        });
    }
    Ok(())
}
