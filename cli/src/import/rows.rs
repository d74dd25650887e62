//! The CSV file: its columns (Upsert Contact's properties, and `cf.<id>` for a custom
//! field), its rows with the line each starts on and a hash of its content, and a row as an
//! upsert body.

use std::path::Path;

use highlevel_contacts::types::UpsertContactRequest;
use highlevel_contacts::{FieldKind, RequestFields};
use serde_json::{Map, Value};

use crate::failure::{Failure, serde_text};
use crate::fields::parse_value;

/// One data row of the file.
pub struct Row {
    /// 1 for the first row after the header.
    pub index: usize,
    /// The file line it starts on (a quoted cell can span lines), when the reader knows it.
    line: Option<u64>,
    /// Its cells, or why they cannot be read.
    pub cells: Result<Vec<String>, String>,
    /// A hash of its content, so that an edited row is sent again.
    pub hash: String,
}

/// The file: its columns and its rows, in file order.
pub struct Table {
    headers: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// Reads the whole file, refusing a column that is not a field of Upsert Contact before
    /// any row is sent.
    pub fn read(file: &Path) -> Result<Table, Failure> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(file)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| {
                Failure::usage(format!("cannot read the header of {}: {e}", file.display()))
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        check_headers(&headers)?;
        let rows = reader
            .records()
            .enumerate()
            .map(|(i, record)| {
                let line = match &record {
                    Ok(record) => record.position().map(|p| p.line()),
                    Err(error) => error.position().map(|p| p.line()),
                };
                let cells: Result<Vec<String>, String> = record
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
                let content = match &cells {
                    Ok(cells) => cells.join("\u{1f}"),
                    Err(why) => why.clone(),
                };
                Row {
                    index: i + 1,
                    line,
                    hash: content_hash(&content),
                    cells,
                }
            })
            .collect();
        Ok(Table { headers, rows })
    }

    fn row(&self, index: usize) -> Option<&Row> {
        index.checked_sub(1).and_then(|at| self.rows.get(at))
    }

    /// The content hash of the row at `index`, if the file still has that row.
    pub fn hash(&self, index: usize) -> Option<&str> {
        self.row(index).map(|row| row.hash.as_str())
    }

    /// The file line the row at `index` starts on, for messages.
    pub fn line(&self, index: usize) -> u64 {
        self.row(index)
            .and_then(|row| row.line)
            .unwrap_or(index as u64 + 1)
    }

    /// One row's cells as an upsert body, or why it cannot be sent.
    pub fn request(
        &self,
        cells: &[String],
        location_id: &str,
    ) -> Result<UpsertContactRequest, String> {
        let mut object = Map::new();
        object.insert("locationId".into(), Value::String(location_id.to_owned()));
        let mut custom_fields = Vec::new();
        for (header, cell) in self.headers.iter().zip(cells) {
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
            object.insert(header.clone(), cell_value(header, cell)?);
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
}

/// A cell as the JSON value of the property its column names: a list of text split on `;`,
/// anything else as the command-line flags read it.
fn cell_value(header: &str, cell: &str) -> Result<Value, String> {
    let Some(field) = <UpsertContactRequest as RequestFields>::field(header) else {
        return Err(format!(
            "column `{header}` is not a field of Upsert Contact"
        ));
    };
    match field.kind {
        FieldKind::List(items) if items.is_scalar() => cell
            .split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| parse_value(items, item))
            .collect::<Result<_, _>>(),
        ref kind => parse_value(kind, cell),
    }
    .map_err(|why| format!("column `{header}`: {why}"))
}

/// Refuses a column that is not a field of Upsert Contact.
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

/// The first 16 hex digits of the SHA-256 of a row's content: stable across
/// runs, versions and machines.
fn content_hash(content: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content.as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
