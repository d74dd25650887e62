//! The generated crate's `shapes` module: from the model, the answers each
//! operation declares (status, media types, where the body's schema is
//! declared) and, per object schema an answer holds, its properties with
//! their JSON type, format, nullability, requiredness, enum values and
//! nested object. The runtime checks every answer's JSON against these
//! tables (an array is never read as an object) and compares answers with
//! them when drift is recorded.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Body, Field, FieldKind, Operation, ResponseCase, Status};
use crate::names;

/// The module's items.
pub(crate) fn shapes_module(api: &Api) -> TokenStream {
    let tabled: BTreeSet<&str> = api
        .schemas
        .iter()
        .filter(|(_, schema)| schema.flow.received())
        .map(|(rust_name, _)| rust_name.as_str())
        .collect();
    let mut objects = Vec::new();
    for (rust_name, schema) in &api.schemas {
        if !tabled.contains(rust_name.as_str()) {
            continue;
        }
        let ident = format_ident!("{}", rust_name);
        let mut items = Vec::new();
        let properties: Vec<TokenStream> = schema
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let mut statics = ItemStatics {
                    name: format!("items_{rust_name}_{index}"),
                    out: &mut items,
                };
                property(field, &tabled, &mut statics)
            })
            .collect();
        let open = schema.open;
        objects.push(quote! {
            static #ident: ObjectShape = ObjectShape {
                properties: &[#(#properties),*],
                open: #open,
            };

            #(#items)*
        });
    }
    let operations = api
        .operations
        .iter()
        .map(|operation| operation_answers(operation, &tabled));
    let doc = "The answers the spec declares, as the tables the runtime checks answers\nagainst: per operation its statuses, media types and body schemas, and each\nobject schema's properties.";
    quote! {
        #![doc = #doc]
        // Tables are named after the types and methods they describe.
        #![allow(non_upper_case_globals)]

        use crate::runtime::{BodyShape, DeclaredAnswer, ObjectShape, OperationAnswers, PropertyShape, ShapeKind, StatusPattern, ValueShape};

        #(#operations)*

        #(#objects)*
    }
}

/// `static <method name>: OperationAnswers`, which the operation's method
/// passes to `runtime::receive`.
fn operation_answers(operation: &Operation, tabled: &BTreeSet<&str>) -> TokenStream {
    let ident = answers_ident(operation);
    let id = &operation.id;
    let answers = operation
        .responses
        .iter()
        .map(|case| declared_answer(case, tabled));
    quote! {
        pub(crate) static #ident: OperationAnswers = OperationAnswers {
            operation: #id,
            answers: &[#(#answers),*],
        };
    }
}

/// The name of an operation's table: its method name, which is unique.
pub(crate) fn answers_ident(operation: &Operation) -> syn::Ident {
    format_ident!("{}", names::method_name(&operation.id))
}

fn declared_answer(case: &ResponseCase, tabled: &BTreeSet<&str>) -> TokenStream {
    let literal = proc_macro2::Literal::u16_unsuffixed;
    let status = match case.status {
        Status::Code(code) => {
            let code = literal(code);
            quote!(StatusPattern::Code(#code))
        }
        Status::Range(class) => {
            let class = literal(class);
            quote!(StatusPattern::Range(#class))
        }
        Status::Default => quote!(StatusPattern::Default),
    };
    let media_types = &case.media_types;
    let body = match (&case.body, &case.schema_location) {
        (Body::Schema(name), Some(location)) => {
            let rust_name = names::type_name(name);
            let kind = if tabled.contains(rust_name.as_str()) {
                let ident = format_ident!("{}", rust_name);
                quote!(ShapeKind::Object(&#ident))
            } else {
                quote!(ShapeKind::Any)
            };
            quote! {
                Some(BodyShape { location: #location, value: ValueShape::new(#kind) })
            }
        }
        _ => quote!(None),
    };
    quote! {
        DeclaredAnswer {
            status: #status,
            media_types: &[#(#media_types),*],
            body: #body,
        }
    }
}

/// Where the shapes of a property's list items go: statics of their own,
/// since a reference to a temporary inside a variant's argument would not
/// live as long as the table.
struct ItemStatics<'a> {
    /// `items_<Type>_<property index>`, then `_items` per nested list: a
    /// lower-case start no type and no upper case any method name has.
    name: String,
    out: &'a mut Vec<TokenStream>,
}

fn property(field: &Field, tabled: &BTreeSet<&str>, statics: &mut ItemStatics<'_>) -> TokenStream {
    let name = &field.wire_name;
    let kind = kind(&field.kind, field.object.as_deref(), tabled, statics);
    let nullable = field.nullable.then(|| quote!(.nullable()));
    let format = field.format.as_ref().map(|format| quote!(.format(#format)));
    let value = quote!(ValueShape::new(#kind) #nullable #format);
    let sensitive = field.sensitive.then(|| quote!(.sensitive()));
    if field.required {
        quote!(PropertyShape::required(#name, #value) #sensitive)
    } else {
        quote!(PropertyShape::optional(#name, #value) #sensitive)
    }
}

/// A property's kind; `object` is the object schema it (or its items)
/// refers to, whose table is used when there is one.
fn kind(
    kind: &FieldKind,
    object: Option<&str>,
    tabled: &BTreeSet<&str>,
    statics: &mut ItemStatics<'_>,
) -> TokenStream {
    match kind {
        FieldKind::String => quote!(ShapeKind::String),
        FieldKind::Boolean => quote!(ShapeKind::Boolean),
        FieldKind::Integer => quote!(ShapeKind::Integer),
        FieldKind::Number => quote!(ShapeKind::Number),
        FieldKind::Enum(values) => quote!(ShapeKind::Enum(&[#(#values),*])),
        FieldKind::Object => match object.filter(|name| tabled.contains(name)) {
            Some(name) => {
                let ident = format_ident!("{}", name);
                quote!(ShapeKind::Object(&#ident))
            }
            None => quote!(ShapeKind::AnyObject),
        },
        FieldKind::List(items) => {
            let ident = format_ident!("{}", statics.name);
            statics.name.push_str("_items");
            let items = self::kind(items, object, tabled, statics);
            // The model keeps no nullability or format for list items.
            statics.out.push(quote! {
                static #ident: ValueShape = ValueShape::new(#items);
            });
            quote!(ShapeKind::List(&#ident))
        }
        FieldKind::Any => quote!(ShapeKind::Any),
    }
}
