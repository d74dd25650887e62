//! The drift record: JSON Lines that generated clients append, one line per key and
//! interval. Reading several files, and summing the lines of one key: their counts are
//! added and their first and last times kept.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a line says departed from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    UndeclaredProperty,
    UnlistedEnumValue,
    UnexpectedNull,
    OtherType,
    OtherFormat,
    MissingRequired,
    UndeclaredStatus,
    UndeclaredContentType,
}

/// The shape seen, never the value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub struct Observed {
    #[serde(rename = "type")]
    pub json_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches_status: Option<u16>,
}

/// One line of a record, or the sum of the lines of one key.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Finding {
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub crate_version: String,
    pub spec_sha256: String,
    pub operation: String,
    pub status: u16,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub pointer: String,
    pub observed: Observed,
    /// Only for an unlisted enum value: the value itself, which is the finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
}

impl Finding {
    /// Every field but the count and the times, as one comparable text.
    fn key(&self) -> String {
        let mut key = self.clone();
        key.count = 0;
        key.first_seen.clear();
        key.last_seen.clear();
        serde_json::to_string(&key).expect("a finding serializes")
    }

    /// `3 answers of `upsertContact` (200), from … to …`: how often and when.
    pub fn seen(&self) -> String {
        let answers = if self.count == 1 { "answer" } else { "answers" };
        let when = if self.first_seen == self.last_seen {
            format!("at {}", self.first_seen)
        } else {
            format!("from {} to {}", self.first_seen, self.last_seen)
        };
        format!(
            "{} {answers} of `{}` ({}), {when}",
            self.count, self.operation, self.status
        )
    }
}

/// The findings of a set of record files: those recorded against the current spec, summed
/// per key, and the lines recorded against other versions of it, which are not merged.
#[derive(Debug, Default)]
pub struct Records {
    pub current: Vec<Finding>,
    /// Per other spec hash: the lines and the crates (`name version`) that recorded them.
    pub other_specs: BTreeMap<String, OtherSpec>,
}

#[derive(Debug, Default)]
pub struct OtherSpec {
    pub lines: usize,
    pub observations: u64,
    pub crate_versions: Vec<String>,
}

/// Reads `files`, keeping apart every line whose `spec_sha256` is not `spec_sha256`.
pub fn read(files: &[PathBuf], spec_sha256: &str) -> anyhow::Result<Records> {
    let mut sums: BTreeMap<String, Finding> = BTreeMap::new();
    let mut records = Records::default();
    for file in files {
        for finding in read_file(file)? {
            if finding.spec_sha256 != spec_sha256 {
                let other = records
                    .other_specs
                    .entry(finding.spec_sha256.clone())
                    .or_default();
                other.lines += 1;
                other.observations += finding.count;
                let version = format!("{} {}", finding.crate_name, finding.crate_version);
                if !other.crate_versions.contains(&version) {
                    other.crate_versions.push(version);
                }
                continue;
            }
            match sums.entry(finding.key()) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(finding);
                }
                std::collections::btree_map::Entry::Occupied(mut slot) => {
                    let sum = slot.get_mut();
                    sum.count += finding.count;
                    if finding.first_seen < sum.first_seen {
                        sum.first_seen = finding.first_seen;
                    }
                    if finding.last_seen > sum.last_seen {
                        sum.last_seen = finding.last_seen;
                    }
                }
            }
        }
    }
    records.current = sums.into_values().collect();
    Ok(records)
}

/// The lines of one file, each checked; an error names the file and the line.
fn read_file(path: &Path) -> anyhow::Result<Vec<Finding>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let mut findings = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{}", path.display(), index + 1);
        let finding: Finding = serde_json::from_str(line)
            .with_context(|| format!("{}: not a drift record line", at()))?;
        check(&finding).with_context(at)?;
        findings.push(finding);
    }
    Ok(findings)
}

/// What serde does not check: the hash, the times, and that only an unlisted enum value
/// carries a value.
fn check(finding: &Finding) -> anyhow::Result<()> {
    let hash = &finding.spec_sha256;
    if hash.len() != 64
        || !hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        bail!("`spec_sha256` is not 64 lowercase hex digits");
    }
    for (name, time) in [
        ("first_seen", &finding.first_seen),
        ("last_seen", &finding.last_seen),
    ] {
        if !is_utc_seconds(time) {
            bail!("`{name}` is not an RFC 3339 UTC time in whole seconds (`2026-12-02T16:00:00Z`)");
        }
    }
    if finding.first_seen > finding.last_seen {
        bail!("`first_seen` is after `last_seen`");
    }
    if finding.count == 0 {
        bail!("`count` is 0");
    }
    let valued = finding.kind == Kind::UnlistedEnumValue;
    if finding.value.is_some() != valued {
        bail!("only an `unlisted_enum_value` line carries a `value`, and it must");
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ`: the one form the record's times take, so they compare as text.
fn is_utc_seconds(time: &str) -> bool {
    let bytes = time.as_bytes();
    bytes.len() == 20
        && bytes.iter().enumerate().all(|(at, b)| match at {
            4 | 7 => *b == b'-',
            10 => *b == b'T',
            13 | 16 => *b == b':',
            19 => *b == b'Z',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "1111111111111111111111111111111111111111111111111111111111111111";

    fn line(count: u64, first: &str, last: &str, hash: &str) -> String {
        format!(
            r##"{{"crate":"c","crate_version":"0.2.0","spec_sha256":"{hash}","operation":"upsertContact","status":200,"kind":"undeclared_property","schema":"#/components/schemas/R","pointer":"/contact/x","observed":{{"type":"string"}},"count":{count},"first_seen":"{first}","last_seen":"{last}"}}"##
        )
    }

    #[test]
    fn lines_of_one_key_are_summed_and_other_specs_kept_apart() {
        let dir = std::env::temp_dir().join(format!("drift-record-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.jsonl");
        let b = dir.join("b.jsonl");
        let other = "2".repeat(64);
        std::fs::write(
            &a,
            line(2, "2026-12-02T16:00:00Z", "2026-12-02T16:01:00Z", HASH) + "\n\n",
        )
        .unwrap();
        std::fs::write(
            &b,
            [
                line(3, "2026-12-01T10:00:00Z", "2026-12-02T17:00:00Z", HASH),
                line(5, "2026-12-01T10:00:00Z", "2026-12-01T10:00:00Z", &other),
            ]
            .join("\n"),
        )
        .unwrap();
        let records = read(&[a, b], HASH).unwrap();
        assert_eq!(records.current.len(), 1);
        let sum = &records.current[0];
        assert_eq!(sum.count, 5);
        assert_eq!(sum.first_seen, "2026-12-01T10:00:00Z");
        assert_eq!(sum.last_seen, "2026-12-02T17:00:00Z");
        let apart = &records.other_specs[&other];
        assert_eq!((apart.lines, apart.observations), (1, 5));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bad_line_names_its_file_and_line() {
        let dir = std::env::temp_dir().join(format!("drift-record-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("r.jsonl");
        let good = line(1, "2026-12-02T16:00:00Z", "2026-12-02T16:00:00Z", HASH);
        let late = line(1, "2026-12-02T16:00:00+01:00", "2026-12-02T16:00:00Z", HASH);
        std::fs::write(&file, format!("{good}\n{late}\n")).unwrap();
        let error = format!("{:#}", read(std::slice::from_ref(&file), HASH).unwrap_err());
        assert!(error.contains("r.jsonl:2"), "{error}");
        assert!(error.contains("first_seen"), "{error}");
        std::fs::write(&file, "{\"crate\":1}\n").unwrap();
        let error = format!("{:#}", read(&[file], HASH).unwrap_err());
        assert!(
            error.contains("r.jsonl:1: not a drift record line"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
