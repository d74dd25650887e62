//! `DriftFile`: the drift record as an append-only JSON Lines file that
//! several processes share.
//!
//! Observations are counted in memory by key (the whole observation). On an
//! interval, and when the sink is dropped, each key seen since the last
//! write becomes one line with its `count`, `first_seen` and `last_seen`,
//! appended in writes of whole lines of at most 4 KiB each to a file opened
//! with `O_APPEND`: each write lands whole at the end of the file, between
//! other processes' writes. A reader sums the lines of a key.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::drift::{DriftSink, Observation};

/// The most one write appends: lines are written whole, in as many writes
/// as they need. A line longer than this (a very long unlisted value) is
/// written alone.
const WRITE_LIMIT: usize = 4096;

/// How often a `DriftFile` appends what it counted, by default.
pub const DEFAULT_DRIFT_INTERVAL: Duration = Duration::from_secs(60);

/// A [`DriftSink`] that appends the drift record to a JSON Lines file.
///
/// # The record format
///
/// One JSON object per line:
///
/// ```json
/// {"crate":"highlevel-contacts","crate_version":"0.3.0","spec_sha256":"9f2c…","operation":"upsertContact","status":200,"kind":"undeclared_property","schema":"#/components/schemas/UpsertContactResponse","pointer":"/contact/preferredLanguage","observed":{"type":"string","format":"date"},"count":3,"first_seen":"2026-12-02T16:00:00Z","last_seen":"2026-12-02T16:05:00Z"}
/// ```
///
/// - `crate`, `crate_version`: the generated crate; `spec_sha256`: the
///   lowercase hex SHA-256 of the spec document it was generated from
///   (`SPEC_SHA256`).
/// - `operation`: the spec's `operationId`; `status`: the HTTP status.
/// - `kind`: `undeclared_property`, `unlisted_enum_value`, `unexpected_null`
///   (`null` without `nullable: true`), `other_type` (another JSON type,
///   an array where an object is declared among them), `other_format` (the
///   declared type, not the declared `format`), `missing_required`,
///   `undeclared_status` or `undeclared_content_type`.
/// - `schema`: a JSON pointer as a URI fragment to the schema declared for
///   the status and media type: `#/components/schemas/X` when it is a
///   `$ref` to it, else the inline schema's place. Absent for
///   `undeclared_status` and `undeclared_content_type`.
/// - `pointer`: an RFC 6901 pointer into the body to the departing value
///   (to the property, for `undeclared_property` and `missing_required`),
///   every array index as `*`; `""` for the whole body and for the two
///   undeclared kinds.
/// - `observed`: the shape, never the value: `type` (`object`, `array`,
///   `string`, `number`, `integer`, `boolean`, `null`, `absent`; left out
///   for a body that is not JSON), `format` (`date`, `date-time`, `email`,
///   `uri` or `uuid`, when a string looks like one), `media_type` (for
///   `undeclared_content_type`), `matches_status` (for `undeclared_status`:
///   the declared status whose body it decodes as; its drift from that
///   body is recorded too, under the status received).
/// - `value`: only for `unlisted_enum_value`, the value the server sent
///   (left out under an `x-sensitive` property). No other line holds a
///   value, a token or a body.
/// - `count`, `first_seen`, `last_seen`: how often the key was seen in the
///   interval the line covers, and when (RFC 3339, UTC, whole seconds).
///
/// Every field but the last three is the key. Several processes append to
/// one file; a reader sums `count` and takes the earliest `first_seen` and
/// latest `last_seen` over the lines of a key, and reports lines of another
/// `spec_sha256` apart.
pub struct DriftFile {
    shared: Arc<Shared>,
    /// Dropped to stop the thread that writes on the interval.
    stop: Option<mpsc::Sender<()>>,
    writer: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    file: Mutex<File>,
    /// By key (the observation's JSON), what was seen since the last write.
    counts: Mutex<BTreeMap<String, Tally>>,
}

struct Tally {
    count: u64,
    first_seen: u64,
    last_seen: u64,
}

impl DriftFile {
    /// Opens `path` for appending (creating it), and appends what was seen
    /// every minute (`DEFAULT_DRIFT_INTERVAL`) and when dropped.
    pub fn open(path: impl AsRef<Path>) -> io::Result<DriftFile> {
        DriftFile::with_interval(path, DEFAULT_DRIFT_INTERVAL)
    }

    /// [`DriftFile::open`], appending every `interval`.
    pub fn with_interval(path: impl AsRef<Path>, interval: Duration) -> io::Result<DriftFile> {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)?;
        let shared = Arc::new(Shared {
            file: Mutex::new(file),
            counts: Mutex::new(BTreeMap::new()),
        });
        let (stop, stopped) = mpsc::channel::<()>();
        let on_interval = Arc::clone(&shared);
        let writer = std::thread::Builder::new()
            .name("drift-record".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    on_interval.append_or_warn();
                }
            })?;
        Ok(DriftFile {
            shared,
            stop: Some(stop),
            writer: Some(writer),
        })
    }

    /// Appends what was seen since the last write now.
    pub fn flush(&self) -> io::Result<()> {
        self.shared.append()
    }
}

impl DriftSink for DriftFile {
    fn record(&self, observation: &Observation) {
        let Ok(key) = serde_json::to_string(observation) else {
            return;
        };
        let now = unix_seconds();
        let mut counts = self.shared.counts.lock().unwrap_or_else(|e| e.into_inner());
        let tally = counts.entry(key).or_insert(Tally {
            count: 0,
            first_seen: now,
            last_seen: now,
        });
        tally.count += 1;
        tally.last_seen = now;
    }
}

impl Drop for DriftFile {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        self.shared.append_or_warn();
    }
}

impl std::fmt::Debug for DriftFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriftFile").finish_non_exhaustive()
    }
}

impl Shared {
    fn append_or_warn(&self) {
        if let Err(error) = self.append() {
            tracing::warn!(%error, "the drift record could not be appended to");
        }
    }

    /// Appends one line per key counted, and forgets them.
    fn append(&self) -> io::Result<()> {
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()));
        let lines = counts.into_iter().map(|(key, tally)| line(&key, &tally));
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        for chunk in chunks(lines, WRITE_LIMIT) {
            file.write_all(chunk.as_bytes())?;
        }
        Ok(())
    }
}

/// The record's line for a key: the observation's fields, then the count
/// and the times.
fn line(key: &str, tally: &Tally) -> String {
    let fields = key.strip_suffix('}').unwrap_or(key);
    format!(
        "{fields},\"count\":{},\"first_seen\":\"{}\",\"last_seen\":\"{}\"}}\n",
        tally.count,
        rfc3339(tally.first_seen),
        rfc3339(tally.last_seen)
    )
}

/// Whole lines joined into chunks of at most `limit` bytes (a longer line
/// alone).
fn chunks(lines: impl Iterator<Item = String>, limit: usize) -> Vec<String> {
    let mut chunks: Vec<String> = Vec::new();
    for line in lines {
        match chunks.last_mut() {
            Some(chunk) if chunk.len() + line.len() <= limit => chunk.push_str(&line),
            _ => chunks.push(line),
        }
    }
    chunks
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// `2026-12-02T16:00:00Z` for seconds since the Unix epoch (UTC, whole
/// seconds), by the civil-from-days algorithm of Howard Hinnant.
fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let of_day = seconds % 86_400;
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::{chunks, rfc3339};

    #[test]
    fn times_are_rfc3339_utc_whole_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_169_600 + 57_600), "2026-12-02T16:00:00Z");
    }

    #[test]
    fn chunks_hold_whole_lines_within_the_limit() {
        let lines = [
            "a".repeat(3) + "\n",
            "b".repeat(3) + "\n",
            "c".repeat(9) + "\n",
        ];
        let written = chunks(lines.iter().cloned(), 8);
        assert_eq!(written, ["aaa\nbbb\n", "ccccccccc\n"]);
    }
}
