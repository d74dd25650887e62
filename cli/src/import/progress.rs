//! `FILE.csv.progress`: what an import has done, so that running it again resumes.
//!
//! Tab-separated values, read and written with the csv crate:
//!
//! - a first record naming what the rows were sent to: `# highlevel-contacts import`, the
//!   server and the location;
//! - one record per finished row: its index, its outcome, its content hash and the reason
//!   given. A later record for a row overrides an earlier one.
//!
//! Earlier versions wrote the same records split by hand, with tabs and line breaks in a
//! reason written as spaces and nothing quoted; their files read the same. Each record is
//! one line (line breaks in a reason are written as spaces) and each line is read on its
//! own, so a line cut short by a crash costs only its own row, which is sent again.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::outcome::Outcome;
use crate::failure::Failure;

/// The first field of the first record.
const TARGET_MARK: &str = "# highlevel-contacts import";

/// What a row's record says.
pub struct Recorded {
    pub outcome: Outcome,
    /// The row's content hash when it was sent.
    pub hash: String,
    pub reason: String,
}

impl Recorded {
    pub fn new(outcome: Outcome, hash: &str, reason: &str) -> Self {
        Recorded {
            outcome,
            hash: hash.to_owned(),
            reason: reason.replace(['\n', '\r'], " "),
        }
    }
}

/// The rows recorded, by index.
pub type Done = HashMap<usize, Recorded>;

/// What the rows were sent to: a progress file describes one server and location.
pub struct Target {
    pub server: String,
    pub location: String,
}

impl Target {
    fn describe(fields: &[&str]) -> String {
        format!(
            "{} (location {})",
            fields.first().unwrap_or(&"?"),
            fields.get(1).unwrap_or(&"?")
        )
    }
}

/// `FILE.csv.progress` for `FILE.csv`.
pub fn path_for(csv: &Path) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(".progress");
    PathBuf::from(name)
}

/// Forgets what the progress file says (`--restart`).
pub fn remove(path: &Path) -> Result<(), Failure> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Failure::usage(format!(
            "cannot remove {}: {e}",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// The rows a progress file records; a file that describes another target, or none, is
/// refused.
pub fn read(path: &Path, target: &Target) -> Result<Done, Failure> {
    let mut done = HashMap::new();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    // A line cut short inside a character reads as a replacement character.
    let text = String::from_utf8_lossy(&bytes);
    let mut recorded_target = None;
    for record in text.lines().filter_map(read_line) {
        if record.get(0) == Some(TARGET_MARK) {
            recorded_target = Some(record);
            continue;
        }
        // A line cut short by a crash, or not a record: its row is sent again.
        let (Some(index), Some(outcome), Some(hash)) =
            (record.get(0), record.get(1), record.get(2))
        else {
            continue;
        };
        if let (Ok(index), Some(outcome)) = (index.parse(), Outcome::parse(outcome)) {
            done.insert(
                index,
                Recorded {
                    outcome,
                    hash: hash.to_owned(),
                    reason: record.get(3).unwrap_or("").to_owned(),
                },
            );
        }
    }
    match recorded_target {
        Some(recorded) => {
            let recorded: Vec<&str> = recorded.iter().skip(1).collect();
            let expected = [target.server.as_str(), target.location.as_str()];
            if recorded != expected {
                return Err(Failure::usage(format!(
                    "{} records an import to {}, not {}: run with --restart to start over",
                    path.display(),
                    Target::describe(&recorded),
                    Target::describe(&expected)
                )));
            }
        }
        None if !done.is_empty() => {
            return Err(Failure::usage(format!(
                "{} does not say where its rows went: run with --restart to start over",
                path.display()
            )));
        }
        None => {}
    }
    Ok(done)
}

/// One line as a record.
fn read_line(line: &str) -> Option<StringRecord> {
    csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(line.len() + 1)
        .from_reader(line.as_bytes())
        .records()
        .next()?
        .ok()
}

/// The progress file, open for appending a record per finished row.
pub struct ProgressFile {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl ProgressFile {
    /// Opens the file, starting it with the target when it is new. A last line cut short
    /// by a crash is ended first, so that the next record starts on a line of its own.
    pub fn open(path: &Path, target: &Target) -> Result<ProgressFile, Failure> {
        let write_error =
            |e: std::io::Error| Failure::usage(format!("cannot write {}: {e}", path.display()));
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(write_error)?;
        let length = file.metadata().map_err(write_error)?.len();
        if length > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(write_error)?;
            if last != *b"\n" {
                file.write_all(b"\n").map_err(write_error)?;
            }
        }
        let mut progress = ProgressFile {
            path: path.to_owned(),
            writer: csv::WriterBuilder::new()
                .delimiter(b'\t')
                .flexible(true)
                .from_writer(file),
        };
        if length == 0 {
            progress.write(&[
                TARGET_MARK,
                target.server.as_str(),
                target.location.as_str(),
            ])?;
        }
        Ok(progress)
    }

    /// Appends a row's record, and flushes it at once.
    pub fn append(&mut self, index: usize, recorded: &Recorded) -> Result<(), Failure> {
        let index = index.to_string();
        self.write(&[
            index.as_str(),
            recorded.outcome.word(),
            recorded.hash.as_str(),
            recorded.reason.as_str(),
        ])
    }

    fn write(&mut self, fields: &[&str]) -> Result<(), Failure> {
        self.writer
            .write_record(fields)
            .map_err(std::io::Error::from)
            .and_then(|()| self.writer.flush())
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", self.path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("highlevel-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("c.csv.progress")
    }

    fn target() -> Target {
        Target {
            server: "http://127.0.0.1:1".to_owned(),
            location: "loc".to_owned(),
        }
    }

    #[test]
    fn files_of_the_earlier_format_read_as_they_were_written() {
        let path = scratch("earlier");
        std::fs::write(
            &path,
            "# highlevel-contacts import\thttp://127.0.0.1:1\tloc\n\
             1\tcreated\t0123456789abcdef\t\n\
             2\tfailed\tfedcba9876543210\tinvalid type: string \"x\", expected a boolean\n\
             3\tunknown\taaaaaaaaaaaaaaaa\tupsertContact: the request may have been applied, maybe\n\
             4\tfailed\tbbbbbbbbbbbbbbbb\tcolumn `dnd`: `x` is not true or false\n\
             4\tupdated\tbbbbbbbbbbbbbbbb\t\n\
             5\tcrea",
        )
        .unwrap();
        let done = read(&path, &target()).unwrap();
        let row = |index: usize| {
            let recorded = &done[&index];
            (
                recorded.outcome,
                recorded.hash.as_str(),
                recorded.reason.as_str(),
            )
        };
        assert_eq!(row(1), (Outcome::Created, "0123456789abcdef", ""));
        assert_eq!(
            row(2),
            (
                Outcome::Failed,
                "fedcba9876543210",
                "invalid type: string \"x\", expected a boolean"
            )
        );
        assert_eq!(
            row(3),
            (
                Outcome::Unknown,
                "aaaaaaaaaaaaaaaa",
                "upsertContact: the request may have been applied, maybe"
            ),
        );
        assert_eq!(row(4).0, Outcome::Updated, "a later record overrides");
        assert!(!done.contains_key(&5), "a line cut short is not a record");

        let other = Target {
            server: "http://127.0.0.1:2".to_owned(),
            location: "loc".to_owned(),
        };
        let Err(refusal) = read(&path, &other) else {
            panic!("another server is refused");
        };
        assert!(
            refusal.message.ends_with(
                "records an import to http://127.0.0.1:1 (location loc), not \
                 http://127.0.0.1:2 (location loc): run with --restart to start over"
            ),
            "{}",
            refusal.message
        );
    }

    #[test]
    fn reasons_are_kept_whole_and_a_cut_line_is_ended_before_the_next_record() {
        let path = scratch("round-trip");
        let reason = "one\ttwo \"three\", four\nfive";
        {
            let mut file = ProgressFile::open(&path, &target()).unwrap();
            file.append(
                1,
                &Recorded::new(Outcome::Failed, "0123456789abcdef", reason),
            )
            .unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# highlevel-contacts import\thttp://127.0.0.1:1\tloc\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 2, "one line per record: {text}");
        // A crash cut the last record short, inside its quoted reason.
        std::fs::write(&path, format!("{text}2\tfailed\tffffffffffffffff\t\"cut")).unwrap();
        {
            let mut file = ProgressFile::open(&path, &target()).unwrap();
            file.append(3, &Recorded::new(Outcome::Created, "1111111111111111", ""))
                .unwrap();
        }
        let done = read(&path, &target()).unwrap();
        assert_eq!(done[&1].reason, "one\ttwo \"three\", four five");
        assert_eq!(done[&3].outcome, Outcome::Created);
        assert_eq!(done[&3].hash, "1111111111111111");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
