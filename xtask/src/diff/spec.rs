//! Spec changes, operation by operation, between two parsed documents.
//!
//! Local `$ref`s are followed while walking, so a schema moved into
//! `components` without changing shape reports nothing, and every pointer
//! names the place to edit: the schema's own location, in the new document
//! for additions and changes, in the old one for removals.

use std::collections::{BTreeMap, BTreeSet};

use codegen::rules::{
    METHODS, PropertyFacts, constant_header_value, escape_pointer_segment, field_shape,
    follow_refs, unescape_pointer_segment,
};
use serde::Serialize;
use serde_json::{Map, Value};

use super::rules::{Class, Direction, Kind, classify};

/// One change of the spec, as existing callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecChange {
    /// `POST /contacts/upsert`, as in the new document (the old one for a
    /// removed operation).
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// RFC 6901 pointer into the document named by `document`.
    pub pointer: String,
    pub document: Document,
    pub class: Class,
    pub message: String,
    #[serde(skip)]
    pub kind: Kind,
}

/// Which side a pointer points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Document {
    Old,
    New,
}

/// Every change between `old` and `new`, grouped by operation in the order
/// of the new document.
pub fn compare(old: &Value, new: &Value) -> Vec<SpecChange> {
    let (old_doc, new_doc) = (Doc { root: old }, Doc { root: new });
    let old_ops = old_doc.operations();
    let new_ops = new_doc.operations();
    let mut out = Vec::new();
    let mut matched_old = BTreeSet::new();
    for new_op in &new_ops {
        // The operation at the same method and path, or else the one with
        // the same operationId that moved (its old place is gone).
        let counterpart = old_ops
            .iter()
            .position(|o| o.method == new_op.method && o.path == new_op.path)
            .or_else(|| {
                old_ops.iter().position(|o| {
                    o.id.is_some()
                        && o.id == new_op.id
                        && !new_ops
                            .iter()
                            .any(|n| n.method == o.method && n.path == o.path)
                })
            });
        let mut walk = Walk {
            old: old_doc,
            new: new_doc,
            operation: new_op.label(),
            operation_id: new_op.id.clone(),
            out: &mut out,
        };
        match counterpart {
            Some(o) => {
                matched_old.insert(o);
                walk.operation(&old_ops[o], new_op);
            }
            None => walk.push(
                Kind::OperationAdded,
                Document::New,
                &new_op.node.pointer,
                "operation added".to_owned(),
            ),
        }
    }
    let mut out = merge_repeats(out);
    for (o, old_op) in old_ops.iter().enumerate() {
        if !matched_old.contains(&o) {
            Walk {
                old: old_doc,
                new: new_doc,
                operation: old_op.label(),
                operation_id: old_op.id.clone(),
                out: &mut out,
            }
            .push(
                Kind::OperationRemoved,
                Document::Old,
                &old_op.node.pointer,
                "operation removed".to_owned(),
            );
        }
    }
    out
}

/// One schema used at several places of an operation (`Contact` in two
/// response fields, a channel setting under six channels) changes at all of
/// them; the report names the first place and counts the others.
fn merge_repeats(changes: Vec<SpecChange>) -> Vec<SpecChange> {
    let mut merged: Vec<(SpecChange, usize)> = Vec::new();
    for change in changes {
        let repeat = merged.iter_mut().find(|(first, _)| {
            first.operation == change.operation
                && first.pointer == change.pointer
                && first.document == change.document
                && first.kind == change.kind
        });
        match repeat {
            Some((_, count)) => *count += 1,
            None => merged.push((change, 0)),
        }
    }
    merged
        .into_iter()
        .map(|(mut change, repeats)| {
            if repeats > 0 {
                let why = classify(change.kind).1;
                let what = change
                    .message
                    .strip_suffix(&format!(": {why}"))
                    .expect("messages are `what: why`");
                change.message = format!(
                    "{what} (and at {repeats} more place{} of this operation): {why}",
                    if repeats == 1 { "" } else { "s" }
                );
            }
            change
        })
        .collect()
}

/// A JSON value and where it sits in its document.
#[derive(Debug, Clone)]
struct Node<'a> {
    value: &'a Value,
    pointer: String,
}

impl<'a> Node<'a> {
    fn child(&self, key: &str) -> Option<Node<'a>> {
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

    fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key)?.as_str()
    }

    fn flag(&self, key: &str) -> bool {
        self.value.get(key).and_then(Value::as_bool) == Some(true)
    }

    fn object(&self) -> Option<&'a Map<String, Value>> {
        self.value.as_object()
    }
}

/// A JSON value in a message: `active`, `42`, `null`.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        other => format!("`{other}`"),
    }
}

#[derive(Clone, Copy)]
struct Doc<'a> {
    root: &'a Value,
}

struct Operation<'a> {
    method: &'static str,
    path: String,
    id: Option<String>,
    node: Node<'a>,
    path_item: Node<'a>,
}

impl Operation<'_> {
    fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

impl<'a> Doc<'a> {
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

    fn get(&self, node: &Node<'a>, key: &str) -> Option<Node<'a>> {
        node.child(key).map(|child| self.resolve(child))
    }

    fn operations(&self) -> Vec<Operation<'a>> {
        let mut ops = Vec::new();
        let Some(paths) = self.root_node().child("paths") else {
            return ops;
        };
        for path in paths.object().into_iter().flat_map(Map::keys) {
            let Some(path_item) = self.get(&paths, path) else {
                continue;
            };
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
    fn parameters(&self, op: &Operation<'a>) -> BTreeMap<(String, String), Node<'a>> {
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
    fn security(&self, op: &Operation<'a>) -> (BTreeMap<String, BTreeSet<String>>, String) {
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

    fn security_scheme(&self, name: &str) -> Option<Node<'a>> {
        let schemes = self
            .get(&self.root_node(), "components")?
            .child("securitySchemes")?;
        self.get(&schemes, name)
    }
}

/// What a schema describes, for messages: `request field `a.b``.
#[derive(Clone)]
struct Subject {
    /// How the whole value is called: `request body`, `query parameter `q``.
    root: String,
    /// How a field inside it is called: `request field`.
    field: String,
    /// Dotted path from the root; empty for the root itself.
    path: String,
    direction: Direction,
}

impl Subject {
    fn describe(&self) -> String {
        if self.path.is_empty() {
            self.root.clone()
        } else {
            format!("{} `{}`", self.field, self.path)
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

/// The Rust type the generator gives a property with `schema`, as `T`,
/// `Option<T>` or `Nullable<T>`.
fn rust_type(direction: Direction, required: bool, schema: &Node) -> &'static str {
    field_shape(PropertyFacts {
        sent: direction == Direction::Request,
        required,
        nullable: schema.flag("nullable"),
        array: schema.str("type") == Some("array"),
        has_default: schema.value.get("default").is_some(),
    })
    .rust_type()
}

struct Walk<'a, 'o> {
    old: Doc<'a>,
    new: Doc<'a>,
    operation: String,
    operation_id: Option<String>,
    out: &'o mut Vec<SpecChange>,
}

impl<'a> Walk<'a, '_> {
    fn push(&mut self, kind: Kind, document: Document, pointer: &str, what: String) {
        let (class, why) = classify(kind);
        self.out.push(SpecChange {
            operation: self.operation.clone(),
            operation_id: self.operation_id.clone(),
            pointer: pointer.to_owned(),
            document,
            class,
            message: format!("{what}: {why}"),
            kind,
        });
    }

    fn operation(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        if old.path != new.path {
            self.push(
                Kind::PathChanged,
                Document::New,
                &new.node.pointer,
                format!("path changed from `{}` to `{}`", old.path, new.path),
            );
        }
        if old.method != new.method {
            self.push(
                Kind::MethodChanged,
                Document::New,
                &new.node.pointer,
                format!(
                    "method changed from {} to {}",
                    old.method.to_uppercase(),
                    new.method.to_uppercase()
                ),
            );
        }
        if old.id != new.id {
            self.push(
                Kind::OperationIdChanged,
                Document::New,
                &format!("{}/operationId", new.node.pointer),
                format!(
                    "operationId changed from `{}` to `{}`",
                    old.id.as_deref().unwrap_or("(none)"),
                    new.id.as_deref().unwrap_or("(none)")
                ),
            );
        }
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
        self.security(old, new);
    }

    fn parameters(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let old_params = self.old.parameters(old);
        let new_params = self.new.parameters(new);
        for (key, param) in &new_params {
            let location = &key.0;
            let name = param.str("name").unwrap_or_default();
            let required = param.flag("required");
            match old_params.get(key) {
                None => self.push(
                    Kind::ParameterAdded {
                        constant: constant_header_value(self.new.root, param.value).is_some(),
                    },
                    Document::New,
                    &param.pointer,
                    format!(
                        "{} {location} parameter `{name}` added",
                        if required { "required" } else { "optional" }
                    ),
                ),
                Some(old_param) => {
                    let was_required = old_param.flag("required");
                    if was_required != required {
                        self.push(
                            Kind::ParameterRequiredChanged {
                                now_required: required,
                            },
                            Document::New,
                            &format!("{}/required", param.pointer),
                            format!(
                                "{location} parameter `{name}` became {}",
                                if required { "required" } else { "optional" }
                            ),
                        );
                    }
                    if let (Some(old_schema), Some(new_schema)) = (
                        self.old.get(old_param, "schema"),
                        self.new.get(param, "schema"),
                    ) {
                        let subject = Subject {
                            root: format!("{location} parameter `{name}`"),
                            field: format!("{location} parameter `{name}` field"),
                            path: String::new(),
                            direction: Direction::Request,
                        };
                        self.schema(
                            &subject,
                            &old_schema,
                            &new_schema,
                            required,
                            &mut Vec::new(),
                        );
                    }
                }
            }
        }
        for (key, param) in &old_params {
            if !new_params.contains_key(key) {
                self.push(
                    Kind::ParameterRemoved {
                        constant: constant_header_value(self.old.root, param.value).is_some(),
                    },
                    Document::Old,
                    &param.pointer,
                    format!(
                        "{} parameter `{}` removed",
                        key.0,
                        param.str("name").unwrap_or_default()
                    ),
                );
            }
        }
    }

    fn request_body(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let old_body = self.old.get(&old.node, "requestBody");
        let new_body = self.new.get(&new.node, "requestBody");
        let (old_body, new_body) = match (old_body, new_body) {
            (None, None) => return,
            (None, Some(body)) => {
                let what = "request body added".to_owned();
                return self.push(Kind::RequestBodyAdded, Document::New, &body.pointer, what);
            }
            (Some(body), None) => {
                let what = "request body removed".to_owned();
                return self.push(Kind::RequestBodyRemoved, Document::Old, &body.pointer, what);
            }
            (Some(old_body), Some(new_body)) => (old_body, new_body),
        };
        let (was_required, required) = (old_body.flag("required"), new_body.flag("required"));
        if was_required != required {
            self.push(
                Kind::RequestBodyRequiredChanged {
                    now_required: required,
                },
                Document::New,
                &format!("{}/required", new_body.pointer),
                format!(
                    "request body became {}",
                    if required { "required" } else { "optional" }
                ),
            );
        }
        let subject = Subject {
            root: "request body".to_owned(),
            field: "request field".to_owned(),
            path: String::new(),
            direction: Direction::Request,
        };
        self.content(&subject, &old_body, &new_body, required);
    }

    /// Media types of a request body or response, and their schemas.
    /// `required`: whether the value must be present (a body or response).
    fn content(&mut self, subject: &Subject, old: &Node<'a>, new: &Node<'a>, required: bool) {
        let (old_content, new_content) = (old.child("content"), new.child("content"));
        let media_types = |content: &Option<Node<'a>>| -> BTreeSet<String> {
            content
                .as_ref()
                .and_then(Node::object)
                .map(|map| map.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old_types, new_types) = (media_types(&old_content), media_types(&new_content));
        for media_type in new_types.difference(&old_types) {
            let content = new_content
                .as_ref()
                .expect("a media type has a content map");
            self.push(
                Kind::MediaTypeAdded(subject.direction),
                Document::New,
                &content.child(media_type).expect("listed").pointer,
                format!("{}: media type `{media_type}` added", subject.root),
            );
        }
        for media_type in old_types.difference(&new_types) {
            let content = old_content
                .as_ref()
                .expect("a media type has a content map");
            self.push(
                Kind::MediaTypeRemoved(subject.direction),
                Document::Old,
                &content.child(media_type).expect("listed").pointer,
                format!("{}: media type `{media_type}` removed", subject.root),
            );
        }
        for media_type in old_types.intersection(&new_types) {
            let schema = |doc: Doc<'a>, content: &Option<Node<'a>>| {
                let media = content.as_ref()?.child(media_type)?;
                doc.get(&media, "schema")
            };
            if let (Some(old_schema), Some(new_schema)) = (
                schema(self.old, &old_content),
                schema(self.new, &new_content),
            ) {
                self.schema(subject, &old_schema, &new_schema, required, &mut Vec::new());
            }
        }
    }

    fn responses(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let responses = |doc: Doc<'a>, op: &Operation<'a>| -> BTreeMap<String, Node<'a>> {
            let Some(node) = op.node.child("responses") else {
                return BTreeMap::new();
            };
            node.object()
                .into_iter()
                .flat_map(Map::keys)
                .filter_map(|status| Some((status.clone(), doc.get(&node, status)?)))
                .collect()
        };
        let (old_responses, new_responses) = (responses(self.old, old), responses(self.new, new));
        for (status, response) in &new_responses {
            let Some(old_response) = old_responses.get(status) else {
                self.push(
                    Kind::StatusAdded,
                    Document::New,
                    &response.pointer,
                    format!("response status `{status}` added"),
                );
                continue;
            };
            self.response_headers(status, old_response, response);
            let subject = Subject {
                root: format!("`{status}` response body"),
                field: format!("`{status}` response field"),
                path: String::new(),
                direction: Direction::Response,
            };
            self.content(&subject, old_response, response, true);
        }
        for (status, response) in &old_responses {
            if !new_responses.contains_key(status) {
                self.push(
                    Kind::StatusRemoved,
                    Document::Old,
                    &response.pointer,
                    format!("response status `{status}` removed"),
                );
            }
        }
    }

    fn response_headers(&mut self, status: &str, old: &Node<'a>, new: &Node<'a>) {
        let headers = |doc: Doc<'a>, response: &Node<'a>| -> BTreeMap<String, Node<'a>> {
            let Some(node) = response.child("headers") else {
                return BTreeMap::new();
            };
            node.object()
                .into_iter()
                .flat_map(Map::keys)
                .filter_map(|name| Some((name.to_lowercase(), doc.get(&node, name)?)))
                .collect()
        };
        let (old_headers, new_headers) = (headers(self.old, old), headers(self.new, new));
        let display = |header: &Node| {
            header
                .pointer
                .rsplit('/')
                .next()
                .map(unescape_pointer_segment)
                .unwrap_or_default()
        };
        for (name, header) in &new_headers {
            let Some(old_header) = old_headers.get(name) else {
                self.push(
                    Kind::ResponseHeaderAdded,
                    Document::New,
                    &header.pointer,
                    format!("`{status}` response header `{}` added", display(header)),
                );
                continue;
            };
            if let (Some(old_schema), Some(new_schema)) = (
                self.old.get(old_header, "schema"),
                self.new.get(header, "schema"),
            ) {
                let root = format!("`{status}` response header `{}`", display(header));
                let subject = Subject {
                    field: format!("{root} field"),
                    root,
                    path: String::new(),
                    direction: Direction::Response,
                };
                let required = header.flag("required");
                self.schema(
                    &subject,
                    &old_schema,
                    &new_schema,
                    required,
                    &mut Vec::new(),
                );
            }
        }
        for (name, header) in &old_headers {
            if !new_headers.contains_key(name) {
                self.push(
                    Kind::ResponseHeaderRemoved,
                    Document::Old,
                    &header.pointer,
                    format!("`{status}` response header `{}` removed", display(header)),
                );
            }
        }
    }

    fn security(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let (old_schemes, old_at) = self.old.security(old);
        let (new_schemes, new_at) = self.new.security(new);
        for (scheme, scopes) in &new_schemes {
            let Some(old_scopes) = old_schemes.get(scheme) else {
                self.push(
                    Kind::SecuritySchemeAdded,
                    Document::New,
                    &new_at,
                    format!("security scheme `{scheme}` now applies"),
                );
                continue;
            };
            for scope in scopes.difference(old_scopes) {
                self.push(
                    Kind::ScopeAdded,
                    Document::New,
                    &new_at,
                    format!("security scheme `{scheme}` now needs scope `{scope}`"),
                );
            }
            for scope in old_scopes.difference(scopes) {
                self.push(
                    Kind::ScopeRemoved,
                    Document::Old,
                    &old_at,
                    format!("security scheme `{scheme}` no longer needs scope `{scope}`"),
                );
            }
            if let (Some(old_def), Some(new_def)) = (
                self.old.security_scheme(scheme),
                self.new.security_scheme(scheme),
            ) {
                let how = |def: &Node| {
                    ["type", "scheme", "in", "name"].map(|key| def.str(key).map(str::to_lowercase))
                };
                if how(&old_def) != how(&new_def) {
                    self.push(
                        Kind::SecuritySchemeChanged,
                        Document::New,
                        &new_def.pointer,
                        format!("security scheme `{scheme}` changed its type or location"),
                    );
                }
            }
        }
        for scheme in old_schemes.keys() {
            if !new_schemes.contains_key(scheme) {
                self.push(
                    Kind::SecuritySchemeRemoved,
                    Document::Old,
                    &old_at,
                    format!("security scheme `{scheme}` no longer applies"),
                );
            }
        }
    }

    /// Compares two schemas that sit at the same place; `required` says
    /// whether the new document requires the value there (a change of that
    /// is reported by the parent). `seen` holds the schema pairs being
    /// compared further up, so recursive schemas end.
    fn schema(
        &mut self,
        subject: &Subject,
        old: &Node<'a>,
        new: &Node<'a>,
        required: bool,
        seen: &mut Vec<(String, String)>,
    ) {
        let pair = (old.pointer.clone(), new.pointer.clone());
        if seen.contains(&pair) {
            return;
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
        seen: &mut Vec<(String, String)>,
    ) {
        let what = subject.describe();
        let (old_type, new_type) = (old.value.get("type"), new.value.get("type"));
        if old_type != new_type {
            let shown = |t: Option<&Value>| t.map_or_else(|| "`any`".to_owned(), shown);
            return self.push(
                Kind::TypeChanged,
                Document::New,
                &new.pointer,
                format!(
                    "{what} changed type from {} to {}",
                    shown(old_type),
                    shown(new_type)
                ),
            );
        }
        if old.value.get("format") != new.value.get("format") {
            let shown = |node: &Node| node.str("format").unwrap_or("none").to_owned();
            self.push(
                Kind::FormatChanged,
                Document::New,
                &new.pointer,
                format!(
                    "{what} changed format from `{}` to `{}`",
                    shown(old),
                    shown(new)
                ),
            );
        }
        if old.flag("nullable") != new.flag("nullable") {
            let now_nullable = new.flag("nullable");
            self.push(
                Kind::NullableChanged {
                    direction: subject.direction,
                    now_nullable,
                    rust_type_changes: rust_type(subject.direction, required, old)
                        != rust_type(subject.direction, required, new),
                },
                Document::New,
                &new.pointer,
                format!(
                    "{what} {} nullable",
                    if now_nullable {
                        "became"
                    } else {
                        "is no longer"
                    }
                ),
            );
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
            self.push(
                Kind::AdditionalPropertiesChanged,
                Document::New,
                &new.pointer,
                format!(
                    "{what}: additional properties changed from {} to {}",
                    open(old),
                    open(new)
                ),
            );
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
            (Some(_), None) | (None, Some(_)) => self.push(
                Kind::EnumConstraintChanged,
                Document::New,
                &new.pointer,
                format!(
                    "{what} {} a list of allowed values",
                    if values(new).is_some() {
                        "now has"
                    } else {
                        "no longer has"
                    }
                ),
            ),
            (Some(old_values), Some(new_values)) => {
                for (index, value) in new_values.iter().enumerate() {
                    if !old_values.contains(value) {
                        self.push(
                            Kind::EnumValueAdded(subject.direction),
                            Document::New,
                            &format!("{}/enum/{index}", new.pointer),
                            format!("{what} allows new value {}", shown(value)),
                        );
                    }
                }
                for (index, value) in old_values.iter().enumerate() {
                    if !new_values.contains(value) {
                        self.push(
                            Kind::EnumValueRemoved(subject.direction),
                            Document::Old,
                            &format!("{}/enum/{index}", old.pointer),
                            format!("{what} no longer allows value {}", shown(value)),
                        );
                    }
                }
            }
        }
    }

    fn properties(
        &mut self,
        subject: &Subject,
        old: &Node<'a>,
        new: &Node<'a>,
        seen: &mut Vec<(String, String)>,
    ) {
        let required = |node: &Node| -> BTreeSet<String> {
            node.value
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let (old_required, new_required) = (required(old), required(new));
        let properties = |node: &Node<'a>| -> Vec<String> {
            node.value
                .get("properties")
                .and_then(Value::as_object)
                .map(|map| map.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old_names, new_names) = (properties(old), properties(new));
        let property =
            |doc: Doc<'a>, node: &Node<'a>, name: &str| doc.get(&node.child("properties")?, name);
        for name in &new_names {
            let member = subject.member(name);
            let Some(new_property) = property(self.new, new, name) else {
                continue;
            };
            let is_required = new_required.contains(name);
            let Some(old_property) = old_names
                .contains(name)
                .then(|| property(self.old, old, name))
                .flatten()
            else {
                let pointer = format!(
                    "{}/properties/{}",
                    new.pointer,
                    escape_pointer_segment(name)
                );
                self.push(
                    Kind::PropertyAdded {
                        direction: subject.direction,
                        required: is_required,
                    },
                    Document::New,
                    &pointer,
                    format!(
                        "{} added ({})",
                        member.describe(),
                        if is_required { "required" } else { "optional" }
                    ),
                );
                continue;
            };
            let was_required = old_required.contains(name);
            if was_required != is_required {
                let (document, at) = if is_required {
                    (Document::New, new)
                } else {
                    (Document::Old, old)
                };
                self.push(
                    Kind::RequiredChanged {
                        direction: subject.direction,
                        now_required: is_required,
                        rust_type_changes: rust_type(
                            subject.direction,
                            was_required,
                            &old_property,
                        ) != rust_type(
                            subject.direction,
                            is_required,
                            &new_property,
                        ),
                    },
                    document,
                    &format!("{}/required", at.pointer),
                    format!(
                        "{} became {}",
                        member.describe(),
                        if is_required { "required" } else { "optional" }
                    ),
                );
            }
            self.schema(&member, &old_property, &new_property, is_required, seen);
        }
        for name in old_names.iter().filter(|name| !new_names.contains(name)) {
            self.push(
                Kind::PropertyRemoved(subject.direction),
                Document::Old,
                &format!(
                    "{}/properties/{}",
                    old.pointer,
                    escape_pointer_segment(name)
                ),
                format!("{} removed", subject.member(name).describe()),
            );
        }
    }

    /// `oneOf`/`anyOf`/`allOf` alternatives, matched by position.
    fn alternatives(
        &mut self,
        subject: &Subject,
        key: &str,
        old: &Node<'a>,
        new: &Node<'a>,
        seen: &mut Vec<(String, String)>,
    ) {
        let count = |node: &Node| {
            node.value
                .get(key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        };
        let (old_count, new_count) = (count(old), count(new));
        for index in 0..old_count.max(new_count) {
            let position = index.to_string();
            let old_alt = old
                .child(key)
                .and_then(|list| self.old.get(&list, &position));
            let new_alt = new
                .child(key)
                .and_then(|list| self.new.get(&list, &position));
            let what = format!("{}: `{key}` alternative {}", subject.describe(), index + 1);
            match (old_alt, new_alt) {
                (Some(old_alt), Some(new_alt)) => {
                    self.schema(subject, &old_alt, &new_alt, true, seen);
                }
                // `allOf` parts add up to one schema; they are no variants.
                (None, Some(new_alt)) if key == "allOf" => {
                    self.push(
                        Kind::TypeChanged,
                        Document::New,
                        &new_alt.pointer,
                        format!("{what} added"),
                    );
                }
                (Some(old_alt), None) if key == "allOf" => {
                    self.push(
                        Kind::TypeChanged,
                        Document::Old,
                        &old_alt.pointer,
                        format!("{what} removed"),
                    );
                }
                (None, Some(new_alt)) => self.push(
                    Kind::VariantAdded(subject.direction),
                    Document::New,
                    &new_alt.pointer,
                    format!("{what} added"),
                ),
                (Some(old_alt), None) => self.push(
                    Kind::VariantRemoved(subject.direction),
                    Document::Old,
                    &old_alt.pointer,
                    format!("{what} removed"),
                ),
                (None, None) => {}
            }
        }
    }
}
