//! Notes for whoever maintains a spec stay out of the generated docs.
//!
//! The convention, for any spec: in a `description`, the text from a
//! sentence that starts with `Note:` or `Correction:` to the end of its
//! paragraph (a blank line) is for the spec's reviewers: where the spec
//! departs from its sources, and why. Generated docs leave it out; what a
//! caller needs to know is written before it, in plain words. Examples,
//! defaults and enum values are data, and are left as they are.
//!
//! Descriptions and summaries also get `\n` line ends: a carriage return
//! alone is not allowed in a Rust doc comment, and the crate would not
//! compile.

use serde_json::Value;

const MARKERS: &[&str] = &["Note:", "Correction:"];

pub(crate) fn strip(document: &mut Value) {
    match document {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("example" | "examples" | "default" | "enum" | "const", _) => {}
                    ("description", Value::String(text)) => *text = for_users(&unix_lines(text)),
                    ("summary", Value::String(text)) => *text = unix_lines(text),
                    (_, value) => strip(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn unix_lines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// `text` without its reviewers' notes.
fn for_users(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| paragraph[..note_start(paragraph).unwrap_or(paragraph.len())].trim_end())
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Where the first sentence that is a note begins: at the start of the
/// paragraph, or after a sentence's end (`. `, `.\n`, `) `).
fn note_start(paragraph: &str) -> Option<usize> {
    MARKERS
        .iter()
        .flat_map(|marker| paragraph.match_indices(marker).map(|(at, _)| at))
        .filter(|&at| {
            let before = paragraph[..at].trim_end_matches([' ', '\n']);
            before.is_empty() || before.ends_with(['.', ':', ';', ')'])
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::for_users;

    #[test]
    fn notes_are_cut_to_the_end_of_their_paragraph() {
        assert_eq!(
            for_users("City. Note: nullable. Correction: typo."),
            "City."
        );
        assert_eq!(for_users("Note: only for reviewers."), "");
        assert_eq!(
            for_users("Kept.\n\nNote: the vendor's\nspec says otherwise.\n\nAlso kept."),
            "Kept.\n\nAlso kept."
        );
        assert_eq!(for_users("A footnote: stays"), "A footnote: stays");
        assert_eq!(
            for_users("See the Notes: section"),
            "See the Notes: section"
        );
    }
}
