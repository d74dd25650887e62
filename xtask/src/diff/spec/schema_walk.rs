//! Two schemas at the same place compared: type, format, `nullable`, enum
//! values, properties, items, additional properties and alternatives,
//! following `$ref`s into nested schemas.

use codegen::rules::{
    PropertyFacts, escape_pointer_segment, field_shape, unescape_pointer_segment,
};
use serde_json::Value;

use super::Side;
use super::operation_walk::{Walk, required_or_optional};
use super::pairs::{Paired, pair_up};
use super::spec_json::Node;
use crate::diff::rules::{EnumChange, FieldChange, Flow, Kind};

/// What a schema describes, for messages: `request field `a.b``.
#[derive(Clone)]
pub(super) struct Subject {
    /// How the whole value is called: `request body`, `query parameter `q``.
    pub root: String,
    /// How a field inside it is called: `request field`.
    field: String,
    /// Dotted path from the root; empty for the root itself.
    path: String,
    pub flow: Flow,
}

impl Subject {
    pub fn new(root: &str, field: &str, flow: Flow) -> Self {
        Subject {
            root: root.to_owned(),
            field: field.to_owned(),
            path: String::new(),
            flow,
        }
    }

    fn describe(&self) -> String {
        if self.path.is_empty() {
            self.root.clone()
        } else {
            format!("{} `{}`", self.field, self.path)
        }
    }

    /// The members `names`: `request field `a``, or `request fields `a`,
    /// `b``.
    fn members(&self, names: &[String]) -> String {
        match names {
            [one] => self.member(one).describe(),
            _ => {
                let paths: Vec<String> = names
                    .iter()
                    .map(|name| format!("`{}`", self.member(name).path))
                    .collect();
                format!("{}s {}", self.field, paths.join(", "))
            }
        }
    }

    fn member(&self, name: &str) -> Subject {
        let mut member = self.clone();
        member.path = if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.path)
        };
        member
    }
}

/// A JSON value in a message: `active`, `42`, `null`.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        other => format!("`{other}`"),
    }
}

/// The Rust type the generator gives a property with `schema`, as `T`,
/// `Option<T>` or `Nullable<T>`.
fn rust_type(flow: Flow, required: bool, schema: &Node) -> &'static str {
    field_shape(PropertyFacts {
        sent: flow == Flow::Sent,
        required,
        nullable: schema.flag("nullable"),
        array: schema.str("type") == Some("array"),
        has_default: schema.value.get("default").is_some(),
    })
    .rust_type()
}

/// The name of the schema of `components/schemas` that `pointer` names
/// itself (not a place inside it).
pub fn schema_name(pointer: &str) -> Option<String> {
    let name = pointer.strip_prefix("/components/schemas/")?;
    (!name.contains('/')).then(|| unescape_pointer_segment(name))
}

/// The properties only the old members have that only the new members
/// have under the same name in another case (`Call` → `call`), old name
/// then new, where that match is unique.
fn case_renames(old: &[(String, Node)], new: &[(String, Node)]) -> Vec<(String, String)> {
    let only = |these: &[(String, Node)], others: &[(String, Node)]| -> Vec<String> {
        these
            .iter()
            .filter(|(name, _)| !others.iter().any(|(other, _)| other == name))
            .map(|(name, _)| name.clone())
            .collect()
    };
    let (removed, added) = (only(old, new), only(new, old));
    let folded = |names: &[String], name: &str| {
        names
            .iter()
            .filter(|other| other.to_lowercase() == name.to_lowercase())
            .count()
    };
    removed
        .iter()
        .filter_map(|was| {
            let now = added
                .iter()
                .find(|now| now.to_lowercase() == was.to_lowercase())?;
            (folded(&added, was) == 1 && folded(&removed, now) == 1)
                .then(|| (was.clone(), now.clone()))
        })
        .collect()
}

/// The schema pairs being compared further up, as pointers, so recursive
/// schemas end.
pub(super) type Seen = Vec<(String, String)>;

impl<'a> Walk<'a> {
    /// Compares two schemas that sit at the same place; `required` says
    /// whether the new document requires the value there (a change of that
    /// is reported by the parent).
    pub fn schema(
        &mut self,
        subject: &Subject,
        old: &Node<'a>,
        new: &Node<'a>,
        required: bool,
        seen: &mut Seen,
    ) {
        let (old, new) = (
            &self.old.as_read(old.clone()),
            &self.new.as_read(new.clone()),
        );
        let pair = (old.pointer.clone(), new.pointer.clone());
        if seen.contains(&pair) {
            return;
        }
        if let (Some(old_name), Some(new_name)) =
            (schema_name(&old.pointer), schema_name(&new.pointer))
            && old_name != new_name
        {
            self.named_at_same_place.insert((old_name, new_name));
        }
        seen.push(pair);
        self.schema_shape(subject, old, new, required, seen);
        seen.pop();
    }

    fn schema_shape(
        &mut self,
        subject: &Subject,
        old: &Node<'a>,
        new: &Node<'a>,
        required: bool,
        seen: &mut Seen,
    ) {
        let what = subject.describe();
        let (old_type, new_type) = (old.value.get("type"), new.value.get("type"));
        if old_type != new_type {
            let shown = |t: Option<&Value>| t.map_or_else(|| "`any`".to_owned(), shown);
            let what = format!(
                "{what} changed type from {} to {}",
                shown(old_type),
                shown(new_type)
            );
            return self.push(
                Kind::Field(FieldChange::TypeChanged),
                Side::New,
                &new.pointer,
                what,
            );
        }
        if old.value.get("format") != new.value.get("format") {
            let shown = |node: &Node| node.str("format").unwrap_or("none").to_owned();
            let what = format!(
                "{what} changed format from `{}` to `{}`",
                shown(old),
                shown(new)
            );
            self.push(
                Kind::Field(FieldChange::FormatChanged),
                Side::New,
                &new.pointer,
                what,
            );
        }
        if old.flag("nullable") != new.flag("nullable") {
            let now_nullable = new.flag("nullable");
            let kind = Kind::Field(FieldChange::NullableChanged {
                flow: subject.flow,
                now_nullable,
                rust_type_changes: rust_type(subject.flow, required, old)
                    != rust_type(subject.flow, required, new),
            });
            let became = if now_nullable {
                "became"
            } else {
                "is no longer"
            };
            let what = format!("{what} {became} nullable");
            self.push(kind, Side::New, &new.pointer, what);
        }
        self.enum_values(subject, old, new);
        self.properties(subject, old, new, seen);
        for (key, suffix) in [("items", "[]"), ("additionalProperties", "{}")] {
            if let (Some(old_inner), Some(new_inner)) =
                (self.old.get(old, key), self.new.get(new, key))
                && old_inner.value.is_object()
                && new_inner.value.is_object()
            {
                let mut inner = subject.clone();
                inner.path.push_str(suffix);
                self.schema(&inner, &old_inner, &new_inner, true, seen);
            }
        }
        let open = |node: &Node| match node.value.get("additionalProperties") {
            None | Some(Value::Bool(true)) => "open",
            Some(Value::Bool(_)) => "closed",
            Some(_) => "a map",
        };
        if open(old) != open(new) {
            let what = format!(
                "{what}: additional properties changed from {} to {}",
                open(old),
                open(new)
            );
            let kind = Kind::Field(FieldChange::AdditionalPropertiesChanged);
            self.push(kind, Side::New, &new.pointer, what);
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            self.alternatives(subject, key, old, new, seen);
        }
    }

    fn enum_values(&mut self, subject: &Subject, old: &Node<'a>, new: &Node<'a>) {
        let what = subject.describe();
        let values = |node: &Node<'a>| node.value.get("enum").and_then(Value::as_array);
        match (values(old), values(new)) {
            (None, None) => {}
            (Some(_), None) | (None, Some(_)) => {
                let has = if values(new).is_some() {
                    "now has"
                } else {
                    "no longer has"
                };
                let what = format!("{what} {has} a list of allowed values");
                let kind = Kind::Enum(EnumChange::ConstraintChanged);
                self.push(kind, Side::New, &new.pointer, what);
            }
            (Some(old_values), Some(new_values)) => {
                // Lists, not sets: each value is looked up in the other list.
                for (index, value) in new_values.iter().enumerate() {
                    if !old_values.contains(value) {
                        self.push(
                            Kind::Enum(EnumChange::ValueAdded(subject.flow)),
                            Side::New,
                            &format!("{}/enum/{index}", new.pointer),
                            format!("{what} allows new value {}", shown(value)),
                        );
                    }
                }
                for (index, value) in old_values.iter().enumerate() {
                    if !new_values.contains(value) {
                        self.push(
                            Kind::Enum(EnumChange::ValueRemoved(subject.flow)),
                            Side::Old,
                            &format!("{}/enum/{index}", old.pointer),
                            format!("{what} no longer allows value {}", shown(value)),
                        );
                    }
                }
            }
        }
    }

    fn properties(&mut self, subject: &Subject, old: &Node<'a>, new: &Node<'a>, seen: &mut Seen) {
        let (old_required, new_required) = (old.strings_of("required"), new.strings_of("required"));
        let (old_members, new_members) = (
            self.old.members(old, "properties"),
            self.new.members(new, "properties"),
        );
        let renamed = case_renames(&old_members, &new_members);
        // A property renamed in case only is compared under its new name.
        let old_members = old_members.into_iter().map(|(name, property)| {
            let now = renamed.iter().find(|(was, _)| *was == name);
            (now.map_or(name, |(_, now)| now.clone()), property)
        });
        let old_name = |name: &str| {
            renamed
                .iter()
                .find(|(_, now)| now == name)
                .map_or_else(|| name.to_owned(), |(was, _)| was.clone())
        };
        let pairs = pair_up(old_members, new_members);
        let at = |node: &Node, name: &str| {
            format!(
                "{}/properties/{}",
                node.pointer,
                escape_pointer_segment(name)
            )
        };
        // Several properties of one object added or removed are one change.
        let added = |required: bool| -> Vec<String> {
            let is_added = |pair: &Paired<String, Node>| match pair {
                Paired::Added(name, _) if new_required.contains(name) == required => {
                    Some(name.clone())
                }
                _ => None,
            };
            pairs.iter().filter_map(is_added).collect()
        };
        let added = [added(false), added(true)];
        let removed: Vec<String> = pairs
            .iter()
            .filter_map(|pair| match pair {
                Paired::Removed(name, _) => Some(name.clone()),
                _ => None,
            })
            .collect();
        for pair in pairs {
            match pair {
                Paired::Added(name, _) => {
                    let required = new_required.contains(&name);
                    let names = &added[usize::from(required)];
                    if names.first() == Some(&name) {
                        let what = format!(
                            "{} added ({})",
                            subject.members(names),
                            required_or_optional(required)
                        );
                        let kind = Kind::Field(FieldChange::Added {
                            flow: subject.flow,
                            required,
                        });
                        self.push(kind, Side::New, &at(new, &name), what);
                    }
                }
                Paired::Kept(name, old_property, new_property) => {
                    let required = (
                        old_required.contains(&old_name(&name)),
                        new_required.contains(&name),
                    );
                    let holders = (old, new);
                    let properties = (&old_property, &new_property);
                    self.kept_property(subject, &name, holders, properties, required, seen);
                }
                Paired::Removed(name, _) => {
                    if removed.first() == Some(&name) {
                        let kind = Kind::Field(FieldChange::Removed(subject.flow));
                        let what = format!("{} removed", subject.members(&removed));
                        self.push(kind, Side::Old, &at(old, &name), what);
                    }
                }
            }
        }
        if !renamed.is_empty() {
            let names: Vec<String> = renamed
                .iter()
                .map(|(was, now)| format!("`{was}` → `{now}`"))
                .collect();
            let what = format!(
                "{}: properties renamed in case only: {}",
                subject.describe(),
                names.join(", ")
            );
            let kind = Kind::Field(FieldChange::RenamedInCase(subject.flow));
            self.push(
                kind,
                Side::New,
                &format!("{}/properties", new.pointer),
                what,
            );
        }
    }

    /// A property `name` in both `holders` (old, new): its deprecation, its
    /// `required` flag (was, is) and its schema.
    fn kept_property(
        &mut self,
        subject: &Subject,
        name: &str,
        (old, new): (&Node<'a>, &Node<'a>),
        (old_property, new_property): (&Node<'a>, &Node<'a>),
        (was_required, is_required): (bool, bool),
        seen: &mut Seen,
    ) {
        let member = subject.member(name);
        self.deprecation(&member.describe(), old_property, new_property, true);
        if was_required != is_required {
            let (side, holder) = if is_required {
                (Side::New, new)
            } else {
                (Side::Old, old)
            };
            let kind = Kind::Field(FieldChange::RequiredChanged {
                flow: subject.flow,
                now_required: is_required,
                rust_type_changes: rust_type(subject.flow, was_required, old_property)
                    != rust_type(subject.flow, is_required, new_property),
            });
            let what = format!(
                "{} became {}",
                member.describe(),
                required_or_optional(is_required)
            );
            self.push(kind, side, &format!("{}/required", holder.pointer), what);
        }
        self.schema(&member, old_property, new_property, is_required, seen);
    }

    /// `oneOf`/`anyOf`/`allOf` alternatives, matched by position.
    fn alternatives(
        &mut self,
        subject: &Subject,
        key: &str,
        old: &Node<'a>,
        new: &Node<'a>,
        seen: &mut Seen,
    ) {
        let count = |node: &Node| {
            node.value
                .get(key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        for index in 0..count(old).max(count(new)) {
            let position = index.to_string();
            let old_alt = old
                .child(key)
                .and_then(|list| self.old.get(&list, &position));
            let new_alt = new
                .child(key)
                .and_then(|list| self.new.get(&list, &position));
            let what = format!("{}: `{key}` alternative {}", subject.describe(), index + 1);
            // `allOf` parts add up to one schema; they are no variants.
            let (added, removed) = if key == "allOf" {
                (
                    Kind::Field(FieldChange::TypeChanged),
                    Kind::Field(FieldChange::TypeChanged),
                )
            } else {
                (
                    Kind::Enum(EnumChange::VariantAdded(subject.flow)),
                    Kind::Enum(EnumChange::VariantRemoved(subject.flow)),
                )
            };
            match (old_alt, new_alt) {
                (Some(old_alt), Some(new_alt)) => {
                    self.schema(subject, &old_alt, &new_alt, true, seen);
                }
                (None, Some(new_alt)) => {
                    self.push(added, Side::New, &new_alt.pointer, format!("{what} added"));
                }
                (Some(old_alt), None) => {
                    self.push(
                        removed,
                        Side::Old,
                        &old_alt.pointer,
                        format!("{what} removed"),
                    );
                }
                (None, None) => {}
            }
        }
    }
}
