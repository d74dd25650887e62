//! The request body's properties as command-line flags and CSV columns, read from the
//! table the generated crate carries (`RequestFields::FIELDS`): a property added to the
//! spec becomes a flag and a column when the crate is regenerated.
//!
//! - Every scalar property (text, boolean, number, value from a list) is a flag named in
//!   kebab case: `firstName` is `--first-name`. A list of scalars is a flag repeated once
//!   per value, named in the singular: `tags` is `--tag`.
//! - Objects, lists of objects and free-form values go through `--json` only, and so does a
//!   property whose flag would take a name already taken (the tool's own flags, or an
//!   earlier property's).
//! - The flags given are set on the `--json` body, when there is one.

use std::marker::PhantomData;

use clap::builder::{PossibleValuesParser, TypedValueParser, ValueParser};
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use heck::{ToKebabCase, ToShoutySnakeCase};
use highlevel_contacts::{FieldInfo, FieldKind, RequestFields};
use serde_json::{Map, Number, Value};

/// The tool's own flags: a property whose flag would take one of these names is set
/// through `--json` only.
const OWN_FLAGS: &[&str] = &[
    "attempts",
    "base-url",
    "clear",
    "client-id",
    "client-secret",
    "contact-id",
    "help",
    "json",
    "match-fields",
    "rate-limit",
    "refresh-token",
    "refresh-token-file",
    "token",
    "user-type",
    "version",
];

/// The flag name a property would take: kebab case, in the singular for a list.
/// A name that is not a plain word in kebab case (empty, `2fa`, `naïve`) gets none: such a
/// property goes through `--json`.
fn flag_name(field: &FieldInfo) -> Option<String> {
    let name = field.wire_name.to_kebab_case();
    if !is_plain_flag(&name) {
        return None;
    }
    match field.kind {
        FieldKind::List(items) if items.is_scalar() => Some(singular(&name)),
        kind if kind.is_scalar() => Some(name),
        _ => None,
    }
}

/// Lower-case ASCII words joined by `-`, starting with a letter.
fn is_plain_flag(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `tags` → `tag`, `categories` → `category`, `addresses` → `address`; `status` and other
/// names that are not plurals stay.
fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = plural.strip_suffix("sses") {
        format!("{stem}ss")
    } else if plural.ends_with("ss") || plural.ends_with("us") || plural.len() < 2 {
        plural.to_owned()
    } else {
        plural.strip_suffix('s').unwrap_or(plural).to_owned()
    }
}

/// The properties of `T` that get a flag, with its name, in the spec's order: the first
/// property to want a name gets it.
fn flags<T: RequestFields>() -> Vec<(&'static FieldInfo, String)> {
    let mut taken: Vec<String> = OWN_FLAGS.iter().map(|name| (*name).to_owned()).collect();
    let mut flags = Vec::new();
    for field in T::FIELDS {
        if let Some(name) = flag_name(field)
            && !taken.contains(&name)
        {
            taken.push(name.clone());
            flags.push((field, name));
        }
    }
    flags
}

/// How a JSON column's cell or a scalar's text becomes a JSON value.
pub fn parse_value(kind: &FieldKind, text: &str) -> Result<Value, String> {
    match kind {
        FieldKind::String | FieldKind::Enum { .. } => Ok(Value::String(text.to_owned())),
        FieldKind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not true or false")),
        },
        FieldKind::Integer => text
            .parse::<i64>()
            .map(Number::from)
            .or_else(|_| text.parse::<u64>().map(Number::from))
            .map(Value::Number)
            .map_err(|_| format!("`{text}` is not a whole number")),
        FieldKind::Number => text
            .parse::<Number>()
            .map(Value::Number)
            .map_err(|_| format!("`{text}` is not a number")),
        _ => serde_json::from_str(text)
            .map_err(|e| format!("is not JSON: {}", crate::failure::serde_text(&e))),
    }
}

/// The flags of one request body type `T`, and the values given.
pub struct FieldFlags<T> {
    values: Map<String, Value>,
    body: PhantomData<T>,
}

impl<T> FieldFlags<T> {
    /// The values given, by wire name.
    pub fn into_object(self) -> Map<String, Value> {
        self.values
    }
}

impl<T: RequestFields> FromArgMatches for FieldFlags<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = FieldFlags {
            values: Map::new(),
            body: PhantomData,
        };
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for (field, _) in flags::<T>() {
            let Some(mut given) = matches.get_many::<Value>(field.wire_name) else {
                continue;
            };
            let value = match field.kind {
                FieldKind::List(_) => Value::Array(given.cloned().collect()),
                _ => match given.next_back() {
                    Some(value) => value.clone(),
                    None => continue,
                },
            };
            self.values.insert(field.wire_name.to_owned(), value);
        }
        Ok(())
    }
}

impl<T: RequestFields> Args for FieldFlags<T> {
    fn augment_args(mut command: Command) -> Command {
        for (field, name) in flags::<T>() {
            let (items, action) = match field.kind {
                FieldKind::List(items) => (items, ArgAction::Append),
                ref scalar => (scalar, ArgAction::Set),
            };
            command = command.arg(
                Arg::new(field.wire_name)
                    .value_name(field.wire_name.to_shouty_snake_case())
                    .long(name)
                    .action(action)
                    .value_parser(value_parser(items))
                    .help(help(field, items)),
            );
        }
        command
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

fn value_parser(kind: &'static FieldKind) -> ValueParser {
    match kind {
        FieldKind::Enum {
            values,
            unlisted: false,
        } => PossibleValuesParser::new(values.iter().copied())
            .map(Value::String)
            .into(),
        kind => ValueParser::new(move |text: &str| parse_value(kind, text)),
    }
}

fn help(field: &FieldInfo, items: &FieldKind) -> String {
    let mut help = field.doc.to_owned();
    if let FieldKind::Enum {
        values,
        unlisted: true,
    } = items
    {
        let shown: Vec<&str> = values.iter().take(5).copied().collect();
        help.push_str(&format!(
            " One of {}…, or another value, sent unchecked.",
            shown.join(", ")
        ));
    }
    if matches!(field.kind, FieldKind::List(_)) {
        help.push_str(" Repeat for several.");
    }
    help
}

#[cfg(test)]
mod tests {
    use heck::ToKebabCase;

    use super::{is_plain_flag, singular};

    #[test]
    fn only_plain_names_become_flags() {
        for (wire, plain) in [
            ("firstName", true),
            ("address1", true),
            ("", false),
            ("2fa", false),
            ("naïve", false),
        ] {
            assert_eq!(is_plain_flag(&wire.to_kebab_case()), plain, "{wire:?}");
        }
    }

    #[test]
    fn list_flags_are_named_in_the_singular() {
        for (plural, flag) in [
            ("tags", "tag"),
            ("categories", "category"),
            ("addresses", "address"),
            ("status", "status"),
            ("access", "access"),
            ("s", "s"),
        ] {
            assert_eq!(singular(plural), flag, "{plural}");
        }
    }
}
