//! Reading one bundled OpenAPI document as JSON, with its local `$ref`s
//! followed: its operations, an operation's parameters and security, and
//! every value with the pointer of the place it sits.

use std::collections::{BTreeMap, BTreeSet};

use codegen::rules::{METHODS, documented_part, escape_pointer_segment, follow_refs};
use serde_json::{Map, Value};

/// A JSON value and where it sits in its document.
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    pub value: &'a Value,
    pub pointer: String,
}

impl<'a> Node<'a> {
    /// The member `key` of an object, or the item at index `key` of an
    /// array, as written (a `$ref` stays a `$ref`).
    pub fn child(&self, key: &str) -> Option<Node<'a>> {
        let value = match self.value {
            Value::Object(map) => map.get(key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
        Some(Node {
            value,
            pointer: format!("{}/{}", self.pointer, escape_pointer_segment(key)),
        })
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key)?.as_str()
    }

    pub fn flag(&self, key: &str) -> bool {
        self.value.get(key).and_then(Value::as_bool) == Some(true)
    }

    /// The members of this object, as written, in the document's order;
    /// none for another value.
    pub fn entries(&self) -> Vec<(String, Node<'a>)> {
        let keys = self.value.as_object().into_iter().flat_map(Map::keys);
        keys.filter_map(|key| Some((key.clone(), self.child(key)?)))
            .collect()
    }

    /// The strings of the array at `key`.
    pub fn strings_of(&self, key: &str) -> BTreeSet<String> {
        self.value
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    }
}

/// A whole document, read with its local `$ref`s followed.
#[derive(Clone, Copy)]
pub(super) struct SpecJson<'a> {
    pub root: &'a Value,
}

/// An operation of a document: a method of a path item.
pub(super) struct Operation<'a> {
    pub method: &'static str,
    pub path: String,
    pub id: Option<String>,
    pub node: Node<'a>,
    pub path_item: Node<'a>,
}

impl Operation<'_> {
    /// `POST /contacts/upsert`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

impl<'a> SpecJson<'a> {
    pub fn new(root: &'a Value) -> Self {
        SpecJson { root }
    }

    fn root_node(&self) -> Node<'a> {
        Node {
            value: self.root,
            pointer: String::new(),
        }
    }

    /// The value `node`'s local `$ref`s name, where it sits.
    fn resolve(&self, node: Node<'a>) -> Node<'a> {
        let (value, pointer) = follow_refs(self.root, node.value, node.pointer);
        Node { value, pointer }
    }

    /// What the generated crate reads `schema` as: the part of a documented
    /// one-part `allOf` (`codegen::rules::documented_part`), the schema
    /// itself otherwise.
    pub fn as_read(&self, schema: Node<'a>) -> Node<'a> {
        match documented_part(schema.value) {
            Some(_) => self
                .get(&schema, "allOf")
                .and_then(|parts| self.get(&parts, "0"))
                .unwrap_or(schema),
            None => schema,
        }
    }

    /// The member `key` of `node`, with its `$ref`s followed.
    pub fn get(&self, node: &Node<'a>, key: &str) -> Option<Node<'a>> {
        node.child(key).map(|child| self.resolve(child))
    }

    /// The members of the object at `node`'s `key`, each with its `$ref`s
    /// followed, in the document's order.
    pub fn members(&self, node: &Node<'a>, key: &str) -> Vec<(String, Node<'a>)> {
        let object = node.child(key);
        let entries = object.iter().flat_map(Node::entries);
        entries
            .map(|(name, member)| (name, self.resolve(member)))
            .collect()
    }

    pub fn operations(&self) -> Vec<Operation<'a>> {
        let mut ops = Vec::new();
        for (path, path_item) in self.members(&self.root_node(), "paths") {
            for method in METHODS {
                if let Some(node) = self.get(&path_item, method) {
                    ops.push(Operation {
                        method,
                        path: path.clone(),
                        id: node.str("operationId").map(str::to_owned),
                        node,
                        path_item: path_item.clone(),
                    });
                }
            }
        }
        ops
    }

    /// The operation's parameters with the path item's ones it does not
    /// override, keyed by location and name (header names ignore case).
    pub fn parameters_of(&self, op: &Operation<'a>) -> BTreeMap<(String, String), Node<'a>> {
        let mut params = BTreeMap::new();
        for owner in [&op.path_item, &op.node] {
            let Some(list) = owner.child("parameters") else {
                continue;
            };
            for index in 0..list.value.as_array().map_or(0, Vec::len) {
                let Some(param) = self.get(&list, &index.to_string()) else {
                    continue;
                };
                let location = param.str("in").unwrap_or_default().to_owned();
                let mut name = param.str("name").unwrap_or_default().to_owned();
                if location == "header" {
                    name = name.to_lowercase();
                }
                params.insert((location, name), param);
            }
        }
        params
    }

    /// The security requirements that apply to `op`, by scheme, with their
    /// scopes, and where they are declared.
    pub fn requirements_of(
        &self,
        op: &Operation<'a>,
    ) -> (BTreeMap<String, BTreeSet<String>>, String) {
        let node = op
            .node
            .child("security")
            .or_else(|| self.root_node().child("security"));
        let mut schemes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let Some(node) = node else {
            return (schemes, format!("{}/security", op.node.pointer));
        };
        for requirement in node.value.as_array().into_iter().flatten() {
            for (scheme, scopes) in requirement.as_object().into_iter().flatten() {
                schemes.entry(scheme.clone()).or_default().extend(
                    scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                );
            }
        }
        (schemes, node.pointer)
    }

    /// The definition of the security scheme `name`.
    pub fn scheme_definition(&self, name: &str) -> Option<Node<'a>> {
        let schemes = self
            .get(&self.root_node(), "components")?
            .child("securitySchemes")?;
        self.get(&schemes, name)
    }
}
