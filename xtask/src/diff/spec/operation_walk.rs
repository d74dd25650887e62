//! Two versions of one operation compared part by part: its place and id,
//! parameters, request body, responses and security. Schemas are compared
//! by `schema_walk`.

use std::collections::{BTreeMap, BTreeSet};

use codegen::rules::{constant_header_value, unescape_pointer_segment};

use super::Side;
use super::pairs::{Paired, pair_up};
use super::schema_walk::Subject;
use super::spec_json::{Node, Operation, SpecJson};
use crate::diff::rules::{
    BodyChange, DeprecationChange, Flow, Kind, OperationChange, ParameterChange, ResponseChange,
    SecurityChange,
};

/// A change the walk found, before its repeats are merged and its message
/// is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finding {
    pub kind: Kind,
    /// Which document `pointer` points into.
    pub side: Side,
    pub pointer: String,
    /// What changed (`request field `email` became required`); the rules
    /// say why it is of its class.
    pub what: String,
}

impl Finding {
    pub fn new(kind: Kind, side: Side, pointer: &str, what: String) -> Self {
        Finding {
            kind,
            side,
            pointer: pointer.to_owned(),
            what,
        }
    }
}

/// Both documents, and what was found comparing one operation in them.
pub(super) struct Walk<'a> {
    pub old: SpecJson<'a>,
    pub new: SpecJson<'a>,
    found: Vec<Finding>,
    /// Named schemas of `components/schemas` that sit at the same place,
    /// old name then new name, where the names differ: evidence of a
    /// rename.
    pub named_at_same_place: BTreeSet<(String, String)>,
}

/// What comparing one operation found.
pub(super) struct OperationFindings {
    pub findings: Vec<Finding>,
    pub named_at_same_place: BTreeSet<(String, String)>,
}

pub(super) fn required_or_optional(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

impl<'a> Walk<'a> {
    pub fn new(old: SpecJson<'a>, new: SpecJson<'a>) -> Self {
        Walk {
            old,
            new,
            found: Vec::new(),
            named_at_same_place: BTreeSet::new(),
        }
    }

    pub fn push(&mut self, kind: Kind, side: Side, pointer: &str, what: String) {
        self.found.push(Finding::new(kind, side, pointer, what));
    }

    /// Everything that changed between `old` and `new`, one operation in
    /// both documents.
    pub fn operation(mut self, old: &Operation<'a>, new: &Operation<'a>) -> OperationFindings {
        let at = &new.node.pointer;
        if old.path != new.path {
            let what = format!("path changed from `{}` to `{}`", old.path, new.path);
            self.push(
                Kind::Operation(OperationChange::PathChanged),
                Side::New,
                at,
                what,
            );
        }
        if old.method != new.method {
            let what = format!(
                "method changed from {} to {}",
                old.method.to_uppercase(),
                new.method.to_uppercase()
            );
            self.push(
                Kind::Operation(OperationChange::MethodChanged),
                Side::New,
                at,
                what,
            );
        }
        if old.id != new.id {
            let what = format!(
                "operationId changed from `{}` to `{}`",
                old.id.as_deref().unwrap_or("(none)"),
                new.id.as_deref().unwrap_or("(none)")
            );
            let pointer = format!("{at}/operationId");
            self.push(
                Kind::Operation(OperationChange::IdChanged),
                Side::New,
                &pointer,
                what,
            );
        }
        self.deprecation("operation", &old.node, &new.node, false);
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
        self.security(old, new);
        OperationFindings {
            findings: self.found,
            named_at_same_place: self.named_at_same_place,
        }
    }

    /// `deprecated: true` set or dropped on an operation, a parameter or a
    /// `property`, `what` names it.
    pub fn deprecation(&mut self, what: &str, old: &Node<'a>, new: &Node<'a>, property: bool) {
        let now_deprecated = new.flag("deprecated");
        if old.flag("deprecated") != now_deprecated {
            let became = if now_deprecated {
                "is deprecated"
            } else {
                "is no longer deprecated"
            };
            let reason = new
                .str("description")
                .filter(|_| now_deprecated)
                .map(|text| format!(" ({})", text.trim()))
                .unwrap_or_default();
            let kind = Kind::Deprecation(DeprecationChange {
                now_deprecated,
                property,
            });
            self.push(
                kind,
                Side::New,
                &new.pointer,
                format!("{what} {became}{reason}"),
            );
        }
    }

    fn parameters(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let pairs = pair_up(self.old.parameters_of(old), self.new.parameters_of(new));
        for pair in pairs {
            match pair {
                Paired::Added((location, _), param) => {
                    let constant = constant_header_value(self.new.root, param.value).is_some();
                    let what = format!(
                        "{} {location} parameter `{}` added",
                        required_or_optional(param.flag("required")),
                        param.str("name").unwrap_or_default()
                    );
                    let kind = Kind::Parameter(ParameterChange::Added { constant });
                    self.push(kind, Side::New, &param.pointer, what);
                }
                Paired::Kept((location, _), old_param, param) => {
                    self.parameter(&location, &old_param, &param);
                }
                Paired::Removed((location, _), param) => {
                    let constant = constant_header_value(self.old.root, param.value).is_some();
                    let what = format!(
                        "{location} parameter `{}` removed",
                        param.str("name").unwrap_or_default()
                    );
                    let kind = Kind::Parameter(ParameterChange::Removed { constant });
                    self.push(kind, Side::Old, &param.pointer, what);
                }
            }
        }
    }

    /// A parameter in both documents, at `location` (`query`, `header`…).
    fn parameter(&mut self, location: &str, old: &Node<'a>, new: &Node<'a>) {
        let name = new.str("name").unwrap_or_default();
        self.deprecation(&format!("{location} parameter `{name}`"), old, new, false);
        let constants = (
            constant_header_value(self.old.root, old.value),
            constant_header_value(self.new.root, new.value),
        );
        if let (Some(old_value), Some(new_value)) = constants {
            // The client sends it: not the caller's value, so its schema's
            // one allowed value is no enum of theirs.
            if old_value != new_value {
                let what =
                    format!("constant header `{name}` changed from `{old_value}` to `{new_value}`");
                let kind = Kind::Parameter(ParameterChange::ConstantValueChanged);
                self.push(kind, Side::New, &new.pointer, what);
            }
            return;
        }
        let required = new.flag("required");
        if old.flag("required") != required {
            self.push(
                Kind::Parameter(ParameterChange::RequiredChanged {
                    now_required: required,
                }),
                Side::New,
                &format!("{}/required", new.pointer),
                format!(
                    "{location} parameter `{name}` became {}",
                    required_or_optional(required)
                ),
            );
        }
        if let (Some(old_schema), Some(new_schema)) =
            (self.old.get(old, "schema"), self.new.get(new, "schema"))
        {
            let root = format!("{location} parameter `{name}`");
            let subject = Subject::new(&root, &format!("{root} field"), Flow::Sent);
            self.schema(
                &subject,
                &old_schema,
                &new_schema,
                required,
                &mut Vec::new(),
            );
        }
    }

    fn request_body(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let old_body = self.old.get(&old.node, "requestBody");
        let new_body = self.new.get(&new.node, "requestBody");
        let (old_body, new_body) = match (old_body, new_body) {
            (None, None) => return,
            (None, Some(body)) => {
                let what = "request body added".to_owned();
                return self.push(
                    Kind::Body(BodyChange::RequestAdded),
                    Side::New,
                    &body.pointer,
                    what,
                );
            }
            (Some(body), None) => {
                let what = "request body removed".to_owned();
                return self.push(
                    Kind::Body(BodyChange::RequestRemoved),
                    Side::Old,
                    &body.pointer,
                    what,
                );
            }
            (Some(old_body), Some(new_body)) => (old_body, new_body),
        };
        let required = new_body.flag("required");
        if old_body.flag("required") != required {
            self.push(
                Kind::Body(BodyChange::RequestRequiredChanged {
                    now_required: required,
                }),
                Side::New,
                &format!("{}/required", new_body.pointer),
                format!("request body became {}", required_or_optional(required)),
            );
        }
        let subject = Subject::new("request body", "request field", Flow::Sent);
        self.content(&subject, &old_body, &new_body, required);
    }

    /// Media types of a request body or response, and their schemas.
    /// `required`: whether the value must be present (a body or response).
    fn content(&mut self, subject: &Subject, old: &Node<'a>, new: &Node<'a>, required: bool) {
        let media_types = |node: &Node<'a>| {
            let entries = node.child("content").map_or_else(Vec::new, |c| c.entries());
            keyed(entries, str::to_owned)
        };
        let pairs = pair_up(media_types(old), media_types(new));
        // The report lists a body's media types before the changes inside
        // their schemas.
        for pair in &pairs {
            let root = &subject.root;
            match pair {
                Paired::Added(media_type, media) => self.push(
                    Kind::Body(BodyChange::MediaTypeAdded(subject.flow)),
                    Side::New,
                    &media.pointer,
                    format!("{root}: media type `{media_type}` added"),
                ),
                Paired::Removed(media_type, media) => self.push(
                    Kind::Body(BodyChange::MediaTypeRemoved(subject.flow)),
                    Side::Old,
                    &media.pointer,
                    format!("{root}: media type `{media_type}` removed"),
                ),
                Paired::Kept(..) => {}
            }
        }
        for pair in &pairs {
            if let Paired::Kept(_, old_media, new_media) = pair
                && let (Some(old_schema), Some(new_schema)) = (
                    self.old.get(old_media, "schema"),
                    self.new.get(new_media, "schema"),
                )
            {
                self.schema(subject, &old_schema, &new_schema, required, &mut Vec::new());
            }
        }
    }

    fn responses(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let pairs = pair_up(
            keyed(self.old.members(&old.node, "responses"), str::to_owned),
            keyed(self.new.members(&new.node, "responses"), str::to_owned),
        );
        for pair in pairs {
            match pair {
                Paired::Added(status, response) => self.push(
                    Kind::Response(ResponseChange::StatusAdded),
                    Side::New,
                    &response.pointer,
                    format!("response status `{status}` added"),
                ),
                Paired::Kept(status, old_response, response) => {
                    self.response_headers(&status, &old_response, &response);
                    let subject = Subject::new(
                        &format!("`{status}` response body"),
                        &format!("`{status}` response field"),
                        Flow::Received,
                    );
                    self.content(&subject, &old_response, &response, true);
                }
                Paired::Removed(status, response) => self.push(
                    Kind::Response(ResponseChange::StatusRemoved),
                    Side::Old,
                    &response.pointer,
                    format!("response status `{status}` removed"),
                ),
            }
        }
    }

    fn response_headers(&mut self, status: &str, old: &Node<'a>, new: &Node<'a>) {
        // Header names ignore case.
        let pairs = pair_up(
            keyed(self.old.members(old, "headers"), str::to_lowercase),
            keyed(self.new.members(new, "headers"), str::to_lowercase),
        );
        // The name as the document that holds the header spells it.
        let spelled = |header: &Node| {
            header
                .pointer
                .rsplit('/')
                .next()
                .map(unescape_pointer_segment)
                .unwrap_or_default()
        };
        for pair in pairs {
            match pair {
                Paired::Added(_, header) => self.push(
                    Kind::Response(ResponseChange::HeaderAdded),
                    Side::New,
                    &header.pointer,
                    format!("`{status}` response header `{}` added", spelled(&header)),
                ),
                Paired::Kept(_, old_header, header) => {
                    if let (Some(old_schema), Some(new_schema)) = (
                        self.old.get(&old_header, "schema"),
                        self.new.get(&header, "schema"),
                    ) {
                        let root = format!("`{status}` response header `{}`", spelled(&header));
                        let subject = Subject::new(&root, &format!("{root} field"), Flow::Received);
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
                Paired::Removed(_, header) => self.push(
                    Kind::Response(ResponseChange::HeaderRemoved),
                    Side::Old,
                    &header.pointer,
                    format!("`{status}` response header `{}` removed", spelled(&header)),
                ),
            }
        }
    }

    fn security(&mut self, old: &Operation<'a>, new: &Operation<'a>) {
        let (old_schemes, old_at) = self.old.requirements_of(old);
        let (new_schemes, new_at) = self.new.requirements_of(new);
        for pair in pair_up(old_schemes, new_schemes) {
            match pair {
                Paired::Added(scheme, _) => self.push(
                    Kind::Security(SecurityChange::SchemeAdded),
                    Side::New,
                    &new_at,
                    format!("security scheme `{scheme}` now applies"),
                ),
                Paired::Kept(scheme, old_scopes, new_scopes) => {
                    self.scopes(&scheme, old_scopes, new_scopes, &old_at, &new_at);
                    self.security_scheme(&scheme);
                }
                Paired::Removed(scheme, _) => self.push(
                    Kind::Security(SecurityChange::SchemeRemoved),
                    Side::Old,
                    &old_at,
                    format!("security scheme `{scheme}` no longer applies"),
                ),
            }
        }
    }

    /// The scopes a scheme that applies in both documents asks for;
    /// `old_at`, `new_at`: where the requirements are declared.
    fn scopes(
        &mut self,
        scheme: &str,
        old: BTreeSet<String>,
        new: BTreeSet<String>,
        old_at: &str,
        new_at: &str,
    ) {
        let as_keys = |scopes: BTreeSet<String>| scopes.into_iter().map(|scope| (scope, ()));
        for pair in pair_up(as_keys(old), as_keys(new)) {
            match pair {
                Paired::Added(scope, ()) => self.push(
                    Kind::Security(SecurityChange::ScopeAdded),
                    Side::New,
                    new_at,
                    format!("security scheme `{scheme}` now needs scope `{scope}`"),
                ),
                Paired::Removed(scope, ()) => self.push(
                    Kind::Security(SecurityChange::ScopeRemoved),
                    Side::Old,
                    old_at,
                    format!("security scheme `{scheme}` no longer needs scope `{scope}`"),
                ),
                Paired::Kept(..) => {}
            }
        }
    }

    /// How a scheme that applies in both documents expects the credential.
    fn security_scheme(&mut self, scheme: &str) {
        if let (Some(old_def), Some(new_def)) = (
            self.old.scheme_definition(scheme),
            self.new.scheme_definition(scheme),
        ) {
            let how = |def: &Node| {
                ["type", "scheme", "in", "name"].map(|key| def.str(key).map(str::to_lowercase))
            };
            if how(&old_def) != how(&new_def) {
                self.push(
                    Kind::Security(SecurityChange::SchemeChanged),
                    Side::New,
                    &new_def.pointer,
                    format!("security scheme `{scheme}` changed its type or location"),
                );
            }
        }
    }
}

/// `members` by `key` of their names, in the order of those keys; of two
/// members with one key, the last is kept.
fn keyed<'a>(
    members: Vec<(String, Node<'a>)>,
    key: fn(&str) -> String,
) -> BTreeMap<String, Node<'a>> {
    members
        .into_iter()
        .map(|(name, member)| (key(&name), member))
        .collect()
}
