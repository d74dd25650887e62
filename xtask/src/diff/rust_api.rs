//! Changes of the generated crate's public API, from the surfaces
//! (`codegen::surface`) of both sides. This is what decides whether callers'
//! code still compiles; it needs no nightly toolchain.

use std::collections::{BTreeMap, BTreeSet};

use codegen::surface::SurfaceItem;
use serde::Serialize;

use super::rules::Class;

/// One public item added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiChange {
    /// `types::Contact::email`
    pub item: String,
    /// `added field: Option<String>`
    pub change: String,
    pub class: Class,
    /// Why, when the class is not obvious from `change`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// What the surface says about one path: its declaration (`struct`,
/// `field: T`, a signature) and the trait impls listed under it.
#[derive(Default)]
struct Entry<'a> {
    declaration: Option<&'a str>,
    impls: BTreeSet<&'a str>,
}

fn entries(surface: &[SurfaceItem]) -> BTreeMap<&str, Entry<'_>> {
    let mut entries: BTreeMap<&str, Entry> = BTreeMap::new();
    for item in surface {
        let entry = entries.entry(item.path.as_str()).or_default();
        if item.detail.starts_with("impl ") {
            entry.impls.insert(&item.detail);
        } else {
            entry.declaration = Some(&item.detail);
        }
    }
    entries
}

/// Every item of the public API added, removed or changed between the
/// surfaces `old` and `new`.
pub fn api_changes(old: &[SurfaceItem], new: &[SurfaceItem]) -> Vec<ApiChange> {
    let (old, new) = (entries(old), entries(new));
    let mut changes = Vec::new();
    let mut push = |item: &str, change: String, (class, note): (Class, Option<&'static str>)| {
        changes.push(ApiChange {
            item: item.to_owned(),
            change,
            class,
            note,
        });
    };
    let paths: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let empty = Entry::default();
    for path in paths {
        let (before, after) = (
            old.get(path).unwrap_or(&empty),
            new.get(path).unwrap_or(&empty),
        );
        match (before.declaration, after.declaration) {
            (None, Some(added)) => push(
                path,
                format!("added `{}`", short(added)),
                addition(path, added, &old, &new),
            ),
            (Some(removed), None) => push(
                path,
                format!("removed `{}`", short(removed)),
                (Class::Breaking, None),
            ),
            (Some(was), Some(now)) if was != now => push(
                path,
                format!("changed `{}` to `{}`", short(was), short(now)),
                change(was, now),
            ),
            _ => {}
        }
        for added in after.impls.difference(&before.impls) {
            let change = format!("added `{}`", short(added));
            push(path, change, (Class::NonBreaking, None));
        }
        for removed in before.impls.difference(&after.impls) {
            let change = format!("removed `{}`", short(removed));
            push(path, change, (Class::Breaking, None));
        }
    }
    changes
}

/// A declaration as people write it: typify spells out `std` paths.
fn short(declaration: &str) -> String {
    [
        "std::option::",
        "std::string::",
        "std::vec::",
        "std::boxed::",
    ]
    .iter()
    .fold(declaration.to_owned(), |text, prefix| {
        text.replace(prefix, "")
    })
}

/// A new item breaks callers only when it is a field or variant added to
/// an exhaustive type that existed before: struct literals, patterns and
/// `match`es over that type must now name it.
fn addition(
    path: &str,
    declaration: &str,
    old: &BTreeMap<&str, Entry>,
    new: &BTreeMap<&str, Entry>,
) -> (Class, Option<&'static str>) {
    let is_member = declaration.starts_with("field:") || declaration.starts_with("variant");
    let Some((parent, _)) = path.rsplit_once("::") else {
        return (Class::NonBreaking, None);
    };
    let parent_existed = old.get(parent).is_some_and(|e| e.declaration.is_some());
    let parent_open = new
        .get(parent)
        .and_then(|e| e.declaration)
        .is_some_and(|d| d.contains("non_exhaustive"));
    if is_member && parent_existed && !parent_open {
        let note = if declaration.starts_with("field:") {
            "the struct is exhaustive: struct literals and patterns must name the new field"
        } else {
            "the enum is exhaustive: `match`es must handle the new variant"
        };
        (Class::Breaking, Some(note))
    } else {
        (Class::NonBreaking, None)
    }
}

/// A changed declaration breaks callers, except when a type only gains
/// derives or loses `#[non_exhaustive]`: everything that compiled still does.
fn change(was: &str, now: &str) -> (Class, Option<&'static str>) {
    let (was_kind, was_derives, was_exhaustive) = markers(was);
    let (now_kind, now_derives, now_exhaustive) = markers(now);
    if was_kind == now_kind
        && was_derives.is_subset(&now_derives)
        && (now_exhaustive || !was_exhaustive)
    {
        (
            Class::NonBreaking,
            Some("only derives were added or `#[non_exhaustive]` removed"),
        )
    } else {
        (Class::Breaking, None)
    }
}

/// `struct<T> #[derive(A, B)] #[non_exhaustive]` → (`struct<T>`, {A, B},
/// whether exhaustive). Matches what `codegen::surface` writes.
fn markers(declaration: &str) -> (&str, BTreeSet<&str>, bool) {
    let (kind, rest) = declaration.split_once(" #[").unwrap_or((declaration, ""));
    let derives = rest
        .split_once("derive(")
        .and_then(|(_, list)| list.split_once(')'))
        .map(|(list, _)| list.split(", ").collect())
        .unwrap_or_default();
    (kind, derives, !rest.contains("non_exhaustive"))
}
