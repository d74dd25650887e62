//! External references: `$ref: ../common/schemas.json#/components/schemas/X`.
//!
//! The caller hands over a [`Resolver`] that loads documents by a path
//! relative to the spec's own location; `codegen` itself reads nothing. Every
//! external target is copied into the root document's `components` under a
//! free name (the target's last pointer segment, `X2`, `X3`… on a clash), and
//! the reference is rewritten to point there. Targets are imported once each,
//! references inside them are followed relative to *their* document, and a
//! target is named before its contents are followed, so cycles end.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::Error;
use crate::rules::pointer;
use crate::rules::unescape_pointer_segment;
use crate::source::{self, SpecDocument};

/// Loads the documents a spec refers to.
///
/// `location` is a relative path with `/` separators, already resolved
/// against the referring document's folder and normalised, relative to the
/// folder of the spec being generated (for example `../common/schemas.json`).
/// It is never absolute and never a URL: the bundler refuses those.
pub trait Resolver: Sync {
    fn load(&self, location: &str) -> Result<Vec<u8>, String>;
}

/// Refuses every external reference: for callers with no documents besides
/// the spec.
pub(crate) struct NoResolver;

impl Resolver for NoResolver {
    fn load(&self, _location: &str) -> Result<Vec<u8>, String> {
        Err("external references are not supported without a resolver".to_owned())
    }
}

/// Keys whose value is a map from user-chosen names, so that a key below
/// them is a name and not an OpenAPI keyword.
pub(crate) const NAME_MAPS: [&str; 18] = [
    "properties",
    "patternProperties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "mapping",
    "definitions",
    "$defs",
    "paths",
];

/// Whether the object at `path` is a map of names (`properties`,
/// `components/schemas`…) rather than an object with keywords: then a key
/// such as `$ref` or `type` in it is a name. A property called `properties`
/// is a name, not a map of names.
pub(crate) fn is_name_map(path: &[String]) -> bool {
    let in_names = |back: usize| {
        path.len()
            .checked_sub(back)
            .and_then(|i| path.get(i))
            .is_some_and(|key| NAME_MAPS.contains(&key.as_str()))
    };
    in_names(1) && !in_names(2)
}

/// Whether the value at `path` (keys from the document root) is data, not
/// OpenAPI structure: examples, defaults, enumerations and extensions hold
/// arbitrary JSON, in which a `$ref` key is just a key.
pub(crate) fn is_data(path: &[String]) -> bool {
    let Some((key, before)) = path.split_last() else {
        return false;
    };
    let parent = before.last().map(String::as_str);
    if parent.is_some_and(|p| NAME_MAPS.contains(&p)) {
        // A name, such as a property called `example`; but an `examples`
        // entry's `value` is data (`…/examples/<name>/value`).
        return false;
    }
    if key == "value" && before.len() >= 2 && before[before.len() - 2] == "examples" {
        return true;
    }
    if key.starts_with("x-") {
        return true;
    }
    match key.as_str() {
        "example" | "default" | "enum" | "const" => true,
        // Under a media type, parameter or header, `examples` is a map of
        // Example objects (which may be references); under a schema (3.1)
        // it is a list of values.
        "examples" => within_schema(before),
        _ => false,
    }
}

/// Whether the object at `holder` is a schema, judged by the keys leading to
/// it.
pub(crate) fn within_schema(holder: &[String]) -> bool {
    let n = holder.len();
    let at = |back: usize| {
        n.checked_sub(back)
            .and_then(|i| holder.get(i))
            .map(String::as_str)
    };
    matches!(
        at(1),
        Some("schema" | "items" | "additionalProperties" | "not")
    ) || matches!(
        at(2),
        Some("properties" | "patternProperties" | "allOf" | "oneOf" | "anyOf")
    ) || (at(2) == Some("schemas") && at(3) == Some("components"))
        || (at(2) == Some("definitions") || at(2) == Some("$defs"))
}

/// The kind of component a reference held at `holder` stands for.
pub(crate) fn component_kind(holder: &[String]) -> Option<&'static str> {
    let n = holder.len();
    let at = |back: usize| {
        n.checked_sub(back)
            .and_then(|i| holder.get(i))
            .map(String::as_str)
    };
    if within_schema(holder) {
        return Some("schemas");
    }
    if at(3) == Some("components") {
        return match at(2)? {
            "schemas" => Some("schemas"),
            "responses" => Some("responses"),
            "parameters" => Some("parameters"),
            "examples" => Some("examples"),
            "requestBodies" => Some("requestBodies"),
            "headers" => Some("headers"),
            "securitySchemes" => Some("securitySchemes"),
            "links" => Some("links"),
            "callbacks" => Some("callbacks"),
            _ => None,
        };
    }
    if at(2) == Some("paths") && n == 2 {
        return None;
    }
    Some(match (at(2), at(1)) {
        (_, Some("requestBody")) => "requestBodies",
        (Some("parameters"), _) => "parameters",
        (Some("responses"), _) => "responses",
        (Some("headers"), _) => "headers",
        (Some("examples"), _) => "examples",
        (Some("links"), _) => "links",
        (Some("callbacks"), _) => "callbacks",
        _ => "schemas",
    })
}

/// Called with the keys leading to an object and its `$ref` string.
pub(crate) type RefVisitor<'v> = dyn FnMut(&[String], &mut String) -> Result<(), Error> + 'v;

/// Visits every `$ref` string below `node` that is structure, not data,
/// with the keys leading to the object holding it.
pub(crate) fn for_each_ref(
    node: &mut Value,
    path: &mut Vec<String>,
    visit: &mut RefVisitor<'_>,
) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if !is_name_map(path)
                && let Some(Value::String(target)) = map.get_mut("$ref")
            {
                visit(path, target)?;
            }
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    continue;
                }
                path.push(key.clone());
                if !is_data(path) {
                    for_each_ref(child, path, visit)?;
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                for_each_ref(child, path, visit)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// Replaces every external reference in `root` by a reference into its own
/// `components`, importing the targets through `resolver`.
pub(crate) fn bundle(file: &str, root: &mut Value, resolver: &dyn Resolver) -> Result<(), Error> {
    let root_location = file.rsplit('/').next().unwrap_or(file).to_owned();
    let mut taken = BTreeSet::new();
    if let Some(components) = root.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            for name in entries.as_object().into_iter().flat_map(Map::keys) {
                taken.insert((kind.clone(), name.clone()));
            }
        }
    }
    let mut bundler = Bundler {
        file,
        resolver,
        root_location: root_location.clone(),
        documents: BTreeMap::new(),
        imported: BTreeMap::new(),
        taken,
        pending: Vec::new(),
    };
    for_each_ref(root, &mut Vec::new(), &mut |holder, target| {
        if target.starts_with('#') {
            return Ok(());
        }
        let from = Origin {
            location: &root_location,
            display: file.to_owned(),
            at: pointer(holder),
        };
        *target = bundler.import(&from, target, holder)?;
        Ok(())
    })?;
    if bundler.pending.is_empty() {
        return Ok(());
    }
    let Some(root) = root.as_object_mut() else {
        return Ok(());
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return Err(Error::new(
            file,
            "/components",
            "`components` must be a mapping",
        ));
    };
    for (kind, name, value) in bundler.pending {
        let section = components
            .entry(kind)
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(section) = section.as_object_mut() else {
            return Err(Error::new(
                file,
                pointer(["components", name.as_str()]),
                "a components section must be a mapping",
            ));
        };
        section.insert(name, value);
    }
    Ok(())
}

struct Bundler<'a> {
    file: &'a str,
    resolver: &'a dyn Resolver,
    root_location: String,
    /// Loaded documents by location.
    documents: BTreeMap<String, Value>,
    /// `(location, fragment)` → `(kind, name)` in the root's components.
    imported: BTreeMap<(String, String), (String, String)>,
    taken: BTreeSet<(String, String)>,
    pending: Vec<(String, String, Value)>,
}

/// Where a reference is written: its document and the pointer of the object
/// holding it, for errors.
struct Origin<'o> {
    location: &'o str,
    display: String,
    at: String,
}

impl Bundler<'_> {
    /// Imports the target of `reference` (written in `from`) and returns
    /// the local reference that replaces it.
    fn import(
        &mut self,
        from: &Origin<'_>,
        reference: &str,
        holder: &[String],
    ) -> Result<String, Error> {
        let fail = |reason: String| Error::new(&from.display, from.at.clone(), reason);
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if path.contains("://") || path.starts_with('/') || path.starts_with('\\') {
            return Err(fail(format!(
                "`$ref: {reference}` is not a relative file path; only documents beside the spec can be referenced"
            )));
        }
        let location = if path.is_empty() {
            from.location.to_owned()
        } else {
            join(from.location, path)
                .ok_or_else(|| fail(format!("`$ref: {reference}` does not name a file")))?
        };
        if location == self.root_location {
            return Ok(format!("#{fragment}"));
        }
        let key = (location.clone(), fragment.to_owned());
        if let Some((kind, name)) = self.imported.get(&key) {
            return Ok(local_ref(kind, name));
        }
        let Some(kind) = target_kind(fragment).or_else(|| component_kind(holder)) else {
            return Err(fail(format!(
                "`$ref: {reference}`: path items from other documents are not supported"
            )));
        };
        if !self.documents.contains_key(&location) {
            let bytes = self.resolver.load(&location).map_err(|e| {
                fail(format!(
                    "`$ref: {reference}`: cannot read `{location}`: {e}"
                ))
            })?;
            let document = source::parse(&SpecDocument::new(location.clone(), bytes))
                .map_err(|e| fail(format!("`$ref: {reference}`: {e}")))?;
            self.documents.insert(location.clone(), document);
        }
        let Some(target) = self.documents[&location].pointer(fragment) else {
            return Err(fail(format!(
                "`$ref: {reference}` points at nothing in `{location}`"
            )));
        };
        let mut value = target.clone();
        let base = fragment_name(fragment)
            .unwrap_or_else(|| file_stem(&location))
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect::<String>();
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&(kind.to_owned(), name.clone())) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert((kind.to_owned(), name.clone()));
        self.imported.insert(key, (kind.to_owned(), name.clone()));

        let display = display_name(self.file, &location);
        let mut start: Vec<String> = fragment_segments(fragment);
        for_each_ref(&mut value, &mut start, &mut |inner_holder, target| {
            let origin = Origin {
                location: &location,
                display: display.clone(),
                at: pointer(inner_holder),
            };
            *target = self.import(&origin, target, inner_holder)?;
            Ok(())
        })?;
        self.pending.push((kind.to_owned(), name.clone(), value));
        Ok(local_ref(kind, &name))
    }
}

fn local_ref(kind: &str, name: &str) -> String {
    format!("#{}", pointer(["components", kind, name]))
}

/// `schemas` for `/components/schemas/X`.
fn target_kind(fragment: &str) -> Option<&'static str> {
    let segments = fragment_segments(fragment);
    match segments.as_slice() {
        [components, _, _] if components == "components" => component_kind(&segments),
        [definitions, _] if definitions == "definitions" || definitions == "$defs" => {
            Some("schemas")
        }
        _ => None,
    }
}

fn fragment_segments(fragment: &str) -> Vec<String> {
    fragment
        .split('/')
        .skip(1)
        .map(unescape_pointer_segment)
        .collect()
}

fn fragment_name(fragment: &str) -> Option<String> {
    fragment_segments(fragment)
        .pop()
        .filter(|name| !name.is_empty())
}

fn file_stem(location: &str) -> String {
    let file = location.rsplit('/').next().unwrap_or(location);
    file.split('.').next().unwrap_or(file).to_owned()
}

/// `from`'s folder joined with `relative`, with `.` and `..` resolved.
/// `..` segments that climb above the spec's folder stay at the front
/// (`../common/x.json`); `None` when nothing is left.
fn join(from: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the file name
    for segment in relative.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// The name errors give a referenced document: the spec's own name with its
/// file replaced by `location`.
fn display_name(file: &str, location: &str) -> String {
    let folder = match file.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/x"),
        None => "x".to_owned(),
    };
    join(&folder, location).unwrap_or_else(|| location.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_resolves_dots() {
        assert_eq!(
            join("contacts.json", "../common/c.json").as_deref(),
            Some("../common/c.json")
        );
        assert_eq!(
            join("../common/c.json", "other.json").as_deref(),
            Some("../common/other.json")
        );
        assert_eq!(
            join("../common/c.json", "../x/./y.json").as_deref(),
            Some("../x/y.json")
        );
        assert_eq!(
            display_name("tests/corpus/hl/apps/contacts.json", "../common/c.json"),
            "tests/corpus/hl/common/c.json"
        );
    }

    #[test]
    fn data_positions() {
        let p = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_data(&p(&["components", "examples", "e", "value"])));
        assert!(is_data(&p(&["components", "schemas", "A", "example"])));
        assert!(!is_data(&p(&[
            "components",
            "schemas",
            "A",
            "properties",
            "example"
        ])));
        assert!(!is_data(&p(&[
            "paths",
            "/a",
            "get",
            "responses",
            "200",
            "content",
            "application/json",
            "examples"
        ])));
        assert!(is_data(&p(&["components", "schemas", "A", "examples"])));
    }
}
