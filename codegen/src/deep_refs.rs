//! A repair: a schema `$ref` that points inside another schema
//! (`#/components/schemas/A/properties/b`) or anywhere but an entry of
//! `components/schemas`. Progenitor looks a schema up by its name only, and
//! the intent is plain: the schema found there. The target is copied into
//! `components/schemas` under its last pointer segment (`b`, then `b2`… when
//! the Rust name is taken), once per target, and each reference names the
//! copy, with a located note.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::bundle::{component_kind, for_each_ref};
use crate::error::{Error, Repair};
use crate::names::type_name;
use crate::rules::pointer;

pub(crate) fn name_deep_schema_refs(doc: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    let snapshot = doc.clone();
    let mut taken: BTreeSet<String> = snapshot
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys().map(|name| type_name(name)))
        .collect();
    // Each target copied, with the name of its copy.
    let mut copies: Vec<(String, String)> = Vec::new();
    for_each_ref(doc, &mut Vec::new(), &mut |path, target| {
        let names_one = target
            .strip_prefix("#/components/schemas/")
            .is_some_and(|name| !name.is_empty() && !name.contains('/'));
        let Some(local) = target.strip_prefix('#') else {
            return Ok(());
        };
        // Anything else is `validate`'s to refuse, with its place.
        let points_at_schema = snapshot.pointer(local).is_some_and(Value::is_object);
        if names_one || component_kind(path) != Some("schemas") || !points_at_schema {
            return Ok(());
        }
        let name = match copies.iter().find(|(copied, _)| copied == target) {
            Some((_, name)) => name.clone(),
            None => {
                let name = free_name(last_segment(local), &mut taken);
                notes.push(Repair::at(
                    pointer(path.iter().map(String::as_str).chain(["$ref"])),
                    format!("`$ref: {target}` points inside a schema, not at an entry of `#/components/schemas/`"),
                    format!("the schema there is copied to `#/components/schemas/{name}`"),
                ));
                copies.push((target.clone(), name.clone()));
                name
            }
        };
        *target = format!("#{}", pointer(["components", "schemas", name.as_str()]));
        Ok(())
    })?;
    for (target, name) in copies {
        // Copied after the walk, so references inside it name copies too.
        let schema = doc.pointer(&target[1..]).cloned().unwrap_or_default();
        let schemas = doc
            .as_object_mut()
            .and_then(|root| {
                root.entry("components")
                    .or_insert(json!({}))
                    .as_object_mut()
            })
            .and_then(|components| {
                components
                    .entry("schemas")
                    .or_insert(json!({}))
                    .as_object_mut()
            });
        if let Some(schemas) = schemas {
            schemas.insert(name, schema);
        }
    }
    Ok(())
}

/// The last segment of a JSON pointer, unescaped.
fn last_segment(local: &str) -> String {
    local
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

/// `base`, or `base2`, `base3`…, the first whose Rust name is not taken.
fn free_name(base: String, taken: &mut BTreeSet<String>) -> String {
    let base = if base.is_empty() {
        "Schema".to_owned()
    } else {
        base
    };
    let name = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}{n}")))
        .find(|candidate| !taken.contains(&type_name(candidate)))
        .expect("some suffix is free");
    taken.insert(type_name(&name));
    name
}
