//! Makes typify's types say on the wire exactly what the caller means, by
//! rewriting its struct fields with what the spec knows about each property.
//!
//! Typify maps every optional property to `Option<T>` and skips `None`, skips
//! empty arrays, and always sends defaults. For a request that loses
//! meaning: `"email": null` (clear) cannot be sent, nor `"tags": []`, and
//! `false` goes out for a defaulted flag the caller never set. So, in types
//! reachable from a request body:
//! - an optional `nullable` property becomes [`Nullable<T>`]: absent, null
//!   or a value;
//! - an optional array becomes `Option<Vec<T>>`, so an empty one is sent;
//! - an optional property with a `default` becomes `Option<T>`, sent only
//!   when set.
//!
//! Everywhere: `x-rust-name` renames a field (the wire name stays), and
//! structs are `#[non_exhaustive]`, so a property the API adds is not a
//! breaking change for callers. A property whose setter would collide with
//! a generated method is renamed, with a note.
//!
//! [`Nullable<T>`]: the runtime's three-state type

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Field, Item, parse_quote};

use crate::defaults;
use crate::error::{Error, Repair};
use crate::model::{self, Api, ObjectSchema};
use crate::rules::pointer;
use crate::rules::{self, FieldShape, PropertyFacts, field_shape};
use crate::syntax::{nullable_inner, option_inner, vec_inner, wire_name};

/// What [`rewrite`] returns: the types that got a `validate` method, and a
/// located note for each field renamed so its methods do not collide.
pub(crate) struct Rewritten {
    pub validated: BTreeSet<String>,
    pub notes: Vec<Repair>,
    /// Structs reachable from a response body, and from a request body.
    pub received: BTreeSet<String>,
    pub sent: BTreeSet<String>,
}

/// Rewrites `types`.
pub(crate) fn rewrite(api: &Api, types: &mut Vec<Item>) -> Result<Rewritten, Error> {
    let will_validate = request_structs(api, types);
    let mut validated = BTreeSet::new();
    let mut notes = Vec::new();
    let (mut received, mut sent) = (BTreeSet::new(), BTreeSet::new());
    let mut setters = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let Some(schema) = api.schemas.get(&item.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        if schema.flow.sent() {
            for (wire, renamed) in avoid_method_collisions(&mut fields.named, schema) {
                notes.push(Repair::at(pointer(["components", "schemas", schema.name.as_str(), "properties", wire.as_str()]),
                    format!(
                        "property `{wire}` would give a method that the generator already adds to `{}`",
                        item.ident
                    ),
                    format!("its Rust field is `{renamed}` (the wire name stays)"),
                ));
            }
        }
        let mut shapes = Vec::new();
        // Fields that are no property, such as typify's flattened map of
        // `additionalProperties`: `new` starts them empty.
        let mut others = Vec::new();
        for field in fields.named.iter_mut() {
            let wire = wire_name(field);
            let Some(property) = schema.field(&wire) else {
                others.extend(field.ident.clone());
                continue;
            };
            let shape = rewrite_field(field, &wire, property, schema.flow);
            shapes.push(RewrittenField {
                name: field.ident.clone().expect("named field"),
                wire,
                ty: field.ty.clone(),
                shape,
                property: property.clone(),
            });
        }
        // Callers read every struct's fields but build request structs only
        // through `new(required…)` and the setters, so a property the API
        // adds, in either direction, breaks no caller.
        let exhaustive = (!schema.flow.sent() || rules::REQUEST_STRUCTS_EXHAUSTIVE)
            && (!schema.flow.received() || rules::RESPONSE_STRUCTS_EXHAUSTIVE);
        if !exhaustive {
            item.attrs.push(parse_quote!(#[non_exhaustive]));
        }
        if let Some(rejected) = &schema.rejected
            && let Some(field) = fields
                .named
                .iter()
                .find(|field| wire_name(field) == rejected.from)
        {
            setters.push(rejected_properties(&item.ident, field, &rejected.pattern));
        }
        if schema.flow.received() {
            received.insert(item.ident.to_string());
        }
        if schema.flow.sent() {
            sent.insert(item.ident.to_string());
            validated.insert(item.ident.to_string());
            setters.push(request_methods(
                &item.ident,
                &shapes,
                &others,
                &will_validate,
            ));
        }
    }
    types.extend(setters.into_iter().map(|tokens| parse_quote!(#tokens)));
    defaults::follow_optional_defaults(types);
    for item in types.iter_mut() {
        crate::json_numbers::numbers_as_json(item);
    }
    Ok(Rewritten {
        validated,
        notes,
        received,
        sent,
    })
}

/// `rejected_properties()`: the names the messages of `field` report, by the
/// spec's pattern (`property {} should not exist`); the messages stay as
/// they are.
fn rejected_properties(ty: &syn::Ident, field: &Field, pattern: &str) -> TokenStream {
    let (prefix, suffix) = pattern.split_once("{}").expect("checked: one `{}`");
    let name = field.ident.as_ref().expect("named field");
    let messages = if option_inner(&field.ty).is_some() {
        quote!(self.#name.iter().flatten())
    } else {
        quote!(self.#name.iter())
    };
    let doc = format!(
        " The property names the server rejected, read from the entries of `{}` of the form `{pattern}`.",
        wire_name(field)
    );
    let pattern_doc = format!(
        " How the entries of `{}` name a rejected property: `{{}}` stands for its name.",
        wire_name(field)
    );
    quote! {
        impl #ty {
            #[doc = #pattern_doc]
            pub const REJECTED_PROPERTY_PATTERN: &'static str = #pattern;

            #[doc = #doc]
            pub fn rejected_properties(&self) -> ::std::vec::Vec<&str> {
                #messages
                    .filter_map(|message| message.strip_prefix(#prefix)?.strip_suffix(#suffix))
                    .collect()
            }
        }
    }
}

/// A request struct gets `new`, `validate`, a setter named after each
/// optional field and `clear_<field>` for each nullable one. A property
/// whose setter would repeat one of those (`new`, `validate`,
/// `clear_nickname` beside a nullable `nickname`) gets the field name
/// `<name>_field` (then `_field_2`…), and its wire name stays. The methods
/// of the spec's plain names win over a property's, so the rename lands on
/// the odd name. Returns `(wire name, new field name)` for each rename.
fn avoid_method_collisions(
    fields: &mut syn::punctuated::Punctuated<Field, syn::Token![,]>,
    schema: &ObjectSchema,
) -> Vec<(String, String)> {
    let facts = |field: &Field| schema.field(&wire_name(field)).cloned();
    // A field the spec does not declare as a property (none today) is
    // treated as optional, and not nullable.
    let has_setter =
        |property: &Option<model::Field>| property.as_ref().is_none_or(|p| !p.required);
    let clears = |property: &Option<model::Field>| {
        property.as_ref().is_some_and(|p| !p.required && p.nullable)
    };
    let mut taken: BTreeSet<String> = ["new", "validate"].map(str::to_owned).into();
    // `clear_<field>` → the field it clears.
    let mut clear_owners = BTreeMap::new();
    let mut field_names = BTreeSet::new();
    for field in fields.iter() {
        let name = field.ident.as_ref().expect("named field").to_string();
        if clears(&facts(field)) {
            clear_owners.insert(format!("clear_{name}"), name.clone());
        }
        field_names.insert(name);
    }
    let mut renames = Vec::new();
    for field in fields.iter_mut() {
        let property = facts(field);
        if !has_setter(&property) {
            continue;
        }
        let name = field.ident.as_ref().expect("named field").to_string();
        let used = |method: &str| {
            taken.contains(method) || clear_owners.get(method).is_some_and(|owner| *owner != name)
        };
        let free = |candidate: &str| {
            let clear_taken = clears(&property) && used(&format!("clear_{candidate}"));
            !used(candidate) && !clear_taken
        };
        let chosen = if free(&name) {
            name.clone()
        } else {
            (1..)
                .map(|n| {
                    if n == 1 {
                        format!("{name}_field")
                    } else {
                        format!("{name}_field_{n}")
                    }
                })
                .find(|candidate| free(candidate) && !field_names.contains(candidate))
                .expect("some suffix is free")
        };
        taken.insert(chosen.clone());
        if clears(&property) {
            clear_owners.remove(&format!("clear_{name}"));
            taken.insert(format!("clear_{chosen}"));
        }
        if chosen == name {
            continue;
        }
        let wire = wire_name(field);
        // A field named as on the wire has no `rename` yet.
        if wire == name {
            field.attrs.push(parse_quote!(#[serde(rename = #wire)]));
        }
        field.ident = Some(format_ident!("{}", chosen));
        field_names.insert(chosen.clone());
        renames.push((wire, chosen));
    }
    renames
}

struct RewrittenField {
    name: syn::Ident,
    wire: String,
    ty: syn::Type,
    shape: FieldShape,
    property: model::Field,
}

fn rewrite_field(
    field: &mut Field,
    wire: &str,
    property: &model::Field,
    flow: model::Flow,
) -> FieldShape {
    if let Some(rust_name) = &property.rust_name {
        let renamed = field.ident.as_ref().is_some_and(|ident| ident != wire);
        field.ident = Some(format_ident!("{}", rust_name));
        let note = format!(" Sent and received as `{wire}`.");
        field.attrs.push(parse_quote!(#[doc = ""]));
        field.attrs.push(parse_quote!(#[doc = #note]));
        if !renamed {
            field.attrs.push(parse_quote!(#[serde(rename = #wire)]));
        }
    }
    if flow.sent() && property.unlisted {
        field.ty = wrap_in_listed(&field.ty);
    }
    let ident = field.ident.clone().expect("named field");
    let rename = (ident != wire).then(|| quote!(rename = #wire,));
    let inner = option_inner(&field.ty).cloned();
    let shape = field_shape(PropertyFacts {
        sent: flow.sent(),
        required: property.required,
        nullable: property.nullable,
        array: property.array,
        has_default: property.default,
    });
    let (ty, serde) = match shape {
        FieldShape::Nullable => {
            let inner = inner.unwrap_or_else(|| field.ty.clone());
            (
                parse_quote!(crate::Nullable<#inner>),
                quote!(#rename default, skip_serializing_if = "crate::Nullable::is_absent"),
            )
        }
        // Typify's field already is `Option<T>`, skipped when `None`,
        // unless a list or a default made it something else.
        FieldShape::Optional | FieldShape::OptionalList
            if flow.sent() && (property.array || property.default) =>
        {
            let ty = match inner {
                Some(_) => field.ty.clone(),
                None => {
                    let ty = &field.ty;
                    parse_quote!(::std::option::Option<#ty>)
                }
            };
            (
                ty,
                quote!(#rename default, skip_serializing_if = "::std::option::Option::is_none"),
            )
        }
        _ => return shape,
    };
    field.ty = ty;
    field.attrs.retain(|attr| !attr.path().is_ident("serde"));
    field.attrs.push(parse_quote!(#[serde(#serde)]));
    shape
}

/// A field the caller must give to `new`: typify's own required field.
fn is_required(shape: FieldShape) -> bool {
    matches!(
        shape,
        FieldShape::Required | FieldShape::RequiredNullable | FieldShape::Defaulted
    )
}

/// The values of field `name` (of type `ty`) that are present, as an
/// iterator, for every shape.
fn present_values(
    name: &syn::Ident,
    ty: &syn::Type,
    shape: FieldShape,
    array: bool,
) -> TokenStream {
    // A list with its own checks is typify's newtype, which derefs to its
    // `Vec` but is no iterator.
    let items = if holds_vec(ty) {
        quote!(.flatten())
    } else {
        quote!(.flat_map(|list| list.iter()))
    };
    match (shape, array) {
        // `Option<T>` that is always present: `None` is `null`.
        (FieldShape::RequiredNullable, false) => quote!(self.#name.iter()),
        (FieldShape::RequiredNullable, true) => quote!(self.#name.iter() #items),
        (shape, false) if is_required(shape) => quote!(::std::iter::once(&self.#name)),
        (shape, true) if is_required(shape) => quote!(self.#name.iter()),
        (FieldShape::Nullable, false) => quote!(self.#name.as_value().into_iter()),
        (FieldShape::Nullable, true) => quote!(self.#name.as_value().into_iter() #items),
        (_, false) => quote!(self.#name.iter()),
        (_, true) => quote!(self.#name.iter() #items),
    }
}

/// Whether `ty`, inside its `Option` or `Nullable`, is a `Vec`.
fn holds_vec(ty: &syn::Type) -> bool {
    let inner = crate::syntax::option_inner(ty).or_else(|| crate::syntax::nullable_inner(ty));
    crate::syntax::vec_inner(inner.unwrap_or(ty)).is_some()
}

/// Whether the values inside `ty` (through `Option`, `Nullable` and `Vec`)
/// are `String`s.
fn holds_plain_string(ty: &syn::Type) -> bool {
    let inner = crate::syntax::option_inner(ty)
        .or_else(|| crate::syntax::nullable_inner(ty))
        .or_else(|| crate::syntax::vec_inner(ty));
    match inner {
        Some(inner) => holds_plain_string(inner),
        None => crate::syntax::type_ident(ty).is_some_and(|ident| ident == "String"),
    }
}

/// `T` becomes `Listed<T>`, inside an `Option` if there is one.
fn wrap_in_listed(ty: &syn::Type) -> syn::Type {
    match option_inner(ty) {
        Some(inner) => parse_quote!(::std::option::Option<crate::Listed<#inner>>),
        None => parse_quote!(crate::Listed<#ty>),
    }
}

/// `new` with the required fields, a chainable setter per optional one
/// (`clear_<field>` sends `null`), and `validate`.
/// The structs that get `new`, setters and `validate`: those of the
/// schemas requests send. A property may refer to an object schema that
/// typify made something else (a map, a newtype), which has no `validate`.
fn request_structs(api: &Api, types: &[Item]) -> BTreeSet<String> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) if matches!(item.fields, syn::Fields::Named(_)) => {
                let name = item.ident.to_string();
                let sent = api
                    .schemas
                    .get(&name)
                    .is_some_and(|schema| schema.flow.sent());
                sent.then_some(name)
            }
            _ => None,
        })
        .collect()
}

fn request_methods(
    ty: &syn::Ident,
    fields: &[RewrittenField],
    others: &[syn::Ident],
    will_validate: &BTreeSet<String>,
) -> TokenStream {
    let required: Vec<&RewrittenField> = fields
        .iter()
        .filter(|field| is_required(field.shape))
        .collect();
    let parameters = required
        .iter()
        .map(|RewrittenField { name, ty, .. }| quote!(#name: impl ::std::convert::Into<#ty>));
    let initializers = fields
        .iter()
        .map(|RewrittenField { name, shape, .. }| match shape {
            shape if is_required(*shape) => quote!(#name: #name.into()),
            _ => quote!(#name: ::std::default::Default::default()),
        })
        .chain(
            others
                .iter()
                .map(|name| quote!(#name: ::std::default::Default::default())),
        );
    let validate = validate_method(fields, will_validate);
    let setters = fields.iter().filter_map(|RewrittenField { name, ty, shape, .. }| {
        let inner = match shape {
            shape if is_required(*shape) => return None,
            FieldShape::Nullable => nullable_inner(ty)?,
            _ => option_inner(ty)?,
        };
        let doc = format!(" Sets `{name}`.");
        Some(match shape {
            FieldShape::OptionalList => {
                let item = vec_inner(inner)?;
                quote! {
                    #[doc = #doc]
                    pub fn #name<I>(mut self, values: I) -> Self
                    where
                        I: ::std::iter::IntoIterator,
                        I::Item: ::std::convert::Into<#item>,
                    {
                        self.#name = Some(values.into_iter().map(::std::convert::Into::into).collect());
                        self
                    }
                }
            }
            FieldShape::Nullable => {
                let clear = format_ident!("clear_{}", name);
                let clear_doc = format!(" Sends `{name}` as `null`, which clears it.");
                let list = vec_inner(inner).is_some();
                let set = if list {
                    quote! {
                        pub fn #name<I>(mut self, values: I) -> Self
                        where
                            I: ::std::iter::IntoIterator,
                            I::Item: ::std::convert::Into<<#inner as ::std::iter::IntoIterator>::Item>,
                        {
                            self.#name = crate::Nullable::Value(values.into_iter().map(::std::convert::Into::into).collect());
                            self
                        }
                    }
                } else {
                    quote! {
                        pub fn #name(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                            self.#name = crate::Nullable::Value(value.into());
                            self
                        }
                    }
                };
                quote! {
                    #[doc = #doc]
                    #set

                    #[doc = #clear_doc]
                    pub fn #clear(mut self) -> Self {
                        self.#name = crate::Nullable::Null;
                        self
                    }
                }
            }
            _ => quote! {
                #[doc = #doc]
                pub fn #name(mut self, value: impl ::std::convert::Into<#inner>) -> Self {
                    self.#name = Some(value.into());
                    self
                }
            },
        })
    });
    let new_doc = if required.is_empty() {
        " A value with every property left out.".to_owned()
    } else {
        " A value with the required properties; every other one is left out.".to_owned()
    };
    quote! {
        impl #ty {
            #[doc = #new_doc]
            pub fn new(#(#parameters),*) -> Self {
                Self { #(#initializers),* }
            }

            #(#setters)*

            #validate
        }
    }
}

/// `validate`: what the spec constrains beyond the Rust types, checked by
/// the client before it sends anything.
fn validate_method(fields: &[RewrittenField], will_validate: &BTreeSet<String>) -> TokenStream {
    let checks = fields.iter().map(
        |RewrittenField {
             name,
             wire,
             ty,
             shape,
             property,
         }| {
            let present = present_values(name, ty, *shape, property.array);
            // A string with length or pattern checks is typify's newtype,
            // which derefs to its `String`.
            let text = if holds_plain_string(ty) {
                quote!(value)
            } else {
                quote!(&value.as_str())
            };
            let email = property.is_email().then(|| {
                quote! {
                    for value in #present {
                        crate::runtime::check_email(#wire, #text)?;
                    }
                }
            });
            let nested = property
                .object
                .as_ref()
                .filter(|object| will_validate.contains(*object))
                .map(|_| {
                    quote! {
                        for value in #present {
                            value.validate()?;
                        }
                    }
                });
            quote!(#email #nested)
        },
    );
    quote! {
        /// Checks what the spec constrains beyond the Rust types (such as
        /// email addresses); the client calls it before sending.
        pub fn validate(&self) -> ::std::result::Result<(), ::std::string::String> {
            #(#checks)*
            Ok(())
        }
    }
}
