//! Changes of the generated crate's public API, from the surfaces
//! (`codegen::surface`) of both sides. This is what decides whether callers'
//! code still compiles; it needs no nightly toolchain.

use std::collections::{BTreeMap, BTreeSet};

use codegen::rules::schema_type_name;
use codegen::surface::SurfaceItem;
use serde::Serialize;

use super::renames::RustRename;
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
/// surfaces `old` and `new`. A type of `renamed_types` (old name, new
/// name, under `types::`) is one change, its rename; its members are
/// compared with the new type's, and the old name is read as the new one
/// wherever a declaration spells it.
pub fn api_changes(
    old: &[SurfaceItem],
    new: &[SurfaceItem],
    renamed_types: &[(String, String)],
) -> Vec<ApiChange> {
    let old = renamed(old, renamed_types);
    let (old, new) = (entries(&old), entries(new));
    let mut changes: Vec<ApiChange> = renamed_types
        .iter()
        .map(|(was, now)| ApiChange {
            item: format!("types::{now}"),
            change: format!(
                "renamed from `types::{was}`; `pub type {was} = {now};` in the crate would keep \
                 code that names the old type compiling"
            ),
            class: Class::Breaking,
            note: None,
        })
        .collect();
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

/// The Rust side of the schema rename `old` → `new`: the path of its
/// type in each crate, when both crates have one.
pub fn type_rename(
    old_surface: &[SurfaceItem],
    new_surface: &[SurfaceItem],
    old: &str,
    new: &str,
) -> Option<RustRename> {
    let (was, now) = (schema_type_name(old), schema_type_name(new));
    let (old_path, new_path) = (format!("types::{was}"), format!("types::{now}"));
    let has = |surface: &[SurfaceItem], path: &str| surface.iter().any(|item| item.path == path);
    (was != now && has(old_surface, &old_path) && has(new_surface, &new_path)).then(|| RustRename {
        alias: format!("pub type {was} = {now};"),
        old_path,
        new_path,
    })
}

/// The renamed types (old name, new name) and the types named after them:
/// typify names an inline schema after its parent (`CreateContactDto` →
/// `CreateContactDtoCustomFieldsItem`), so those move with it when the
/// old crate alone has the old name and the new crate alone the new one.
pub fn with_derived_types(
    old_surface: &[SurfaceItem],
    new_surface: &[SurfaceItem],
    renamed_types: &[(String, String)],
) -> Vec<(String, String)> {
    let types = |surface: &[SurfaceItem]| -> BTreeSet<String> {
        surface
            .iter()
            .filter_map(|item| item.path.strip_prefix("types::"))
            .filter(|name| !name.contains("::"))
            .map(str::to_owned)
            .collect()
    };
    let (old_types, new_types) = (types(old_surface), types(new_surface));
    let mut all = renamed_types.to_vec();
    for (was, now) in renamed_types {
        for old_type in &old_types {
            let Some(rest) = old_type.strip_prefix(was.as_str()) else {
                continue;
            };
            let new_type = format!("{now}{rest}");
            if rest.starts_with(|c: char| c.is_ascii_uppercase())
                && new_types.contains(&new_type)
                && !new_types.contains(old_type)
                && !old_types.contains(&new_type)
            {
                all.push((old_type.clone(), new_type));
            }
        }
    }
    all
}

/// `surface` with the types of `renamed_types` under their new names, in
/// paths and in declarations.
fn renamed(surface: &[SurfaceItem], renamed_types: &[(String, String)]) -> Vec<SurfaceItem> {
    let rename = |text: &str| {
        renamed_types
            .iter()
            .fold(text.to_owned(), |text, (was, now)| {
                replace_identifier(&text, was, now)
            })
    };
    surface
        .iter()
        .map(|item| SurfaceItem {
            path: rename(&item.path),
            detail: rename(&item.detail),
        })
        .collect()
}

/// `text` with each whole identifier `was` replaced by `now`.
fn replace_identifier(text: &str, was: &str, now: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(was) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + was.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(is_ident) || after.is_some_and(is_ident) {
            out.push_str(was);
        } else {
            out.push_str(now);
        }
        rest = &rest[at + was.len()..];
    }
    out.push_str(rest);
    out
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
    const DEPRECATED: &str = " #[deprecated]";
    if now.strip_suffix(DEPRECATED) == Some(was) {
        return (
            Class::NonBreaking,
            Some("deprecated: code that uses it still compiles, with a warning"),
        );
    }
    if was.strip_suffix(DEPRECATED) == Some(now) {
        return (Class::NonBreaking, Some("no longer deprecated"));
    }
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

/// The same change of a member (`field_value`, `field_value()`) in several
/// types, as one row; any other change is a row of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiGroup {
    /// The item (`types::Contact::email`), or the member for a row of
    /// several types (`email`).
    pub item: String,
    /// The types of a row of several, under `types::`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    pub change: String,
    pub class: Class,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// `changes` with the same change of one member in several types merged,
/// in the order of their first change.
pub fn grouped(changes: &[ApiChange]) -> Vec<ApiGroup> {
    let mut groups: Vec<ApiGroup> = Vec::new();
    for change in changes {
        let member = change
            .item
            .strip_prefix("types::")
            .and_then(|rest| rest.split_once("::"))
            .filter(|(_, member)| !member.contains("::"));
        let same = |group: &ApiGroup, member: &str| {
            !group.types.is_empty()
                && group.item == member
                && group.change == change.change
                && group.class == change.class
                && group.note == change.note
        };
        let found = member.and_then(|(ty, member)| {
            let group = groups.iter_mut().find(|group| same(group, member))?;
            Some((group, ty))
        });
        match (found, member) {
            (Some((group, ty)), _) => group.types.push(ty.to_owned()),
            (None, Some((ty, member))) => groups.push(ApiGroup {
                item: member.to_owned(),
                types: vec![ty.to_owned()],
                change: change.change.clone(),
                class: change.class,
                note: change.note,
            }),
            (None, None) => groups.push(ApiGroup {
                item: change.item.clone(),
                types: Vec::new(),
                change: change.change.clone(),
                class: change.class,
                note: change.note,
            }),
        }
    }
    for group in &mut groups {
        if let [ty] = group.types.as_slice() {
            group.item = format!("types::{ty}::{}", group.item);
            group.types.clear();
        }
    }
    groups
}
