//! What a caller reaches for when a request holds a union (`oneOf`/`anyOf`,
//! an untagged enum in Rust): conversions from plain Rust values into the
//! enum, and on each request struct that holds one, a constructor per
//! branch the spec names (`CustomFieldInput::text(id, "SPRING-24")`).
//!
//! A conversion is generated only when exactly one variant takes the Rust
//! type, and never where typify already wrote one (or a `TryFrom` that a
//! `From` would collide with).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, ItemEnum, ItemStruct};

use crate::Repair;
use crate::model::{Api, Union};
use crate::rules::pointer;
use crate::syntax::{
    generic_inner, is_str_ref, nullable_inner, option_inner, serde_settings, type_ident, vec_inner,
};

const INTEGERS: &[&str] = &[
    "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize",
];

/// What a variant holds, as far as conversions care.
#[derive(Clone, PartialEq)]
enum Held {
    Text,
    JsonNumber,
    Integer(String),
    Float(String),
    Bool,
    TextList,
    /// A type of the spec's (an object, a string enum…).
    Named(String),
}

/// One variant of an untagged enum: its name, the type it holds, and what that is.
struct Variant {
    ident: syn::Ident,
    ty: syn::Type,
    held: Held,
}

/// An untagged enum that a union of the spec's made, with the union's branch names.
struct UnionEnum<'a> {
    ident: syn::Ident,
    union: &'a Union,
    variants: Vec<Variant>,
}

/// A Rust type a caller may hold, and how the variant is built from `value`.
struct Source {
    ty: TokenStream,
    /// The type's name among the enum's existing `From`/`TryFrom` impls.
    key: String,
    generics: TokenStream,
}

pub(crate) fn add(api: &Api, types: &mut Vec<Item>) -> Vec<Repair> {
    let existing = existing_conversions(types);
    let string_like = string_like_types(types);
    let mut unions = Vec::new();
    let mut added = Vec::new();
    for item in types.iter() {
        let Item::Enum(item) = item else { continue };
        let Some(variants) = untagged_variants(item) else {
            continue;
        };
        let name = item.ident.to_string();
        added.extend(union_conversions(item, &variants, &existing, &string_like));
        if let Some(union) = api.unions.get(&name)
            && union.constructors.len() == variants.len()
        {
            unions.push(UnionEnum {
                ident: item.ident.clone(),
                union,
                variants,
            });
        }
    }
    let mut notes = Vec::new();
    for item in types.iter() {
        let Item::Struct(item) = item else { continue };
        if api
            .schemas
            .get(&item.ident.to_string())
            .is_none_or(|schema| !schema.flow.sent())
        {
            continue;
        }
        added.extend(constructors(item, types, &unions, &mut notes));
    }
    types.extend(added);
    notes
}

/// The variants of an untagged enum, with what each holds, when every one
/// holds exactly one value.
fn untagged_variants(item: &ItemEnum) -> Option<Vec<Variant>> {
    if !serde_settings(&item.attrs).contains_key("untagged") {
        return None;
    }
    item.variants
        .iter()
        .map(|variant| match &variant.fields {
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let ty = fields.unnamed[0].ty.clone();
                Some(Variant {
                    ident: variant.ident.clone(),
                    held: held(&ty)?,
                    ty,
                })
            }
            _ => None,
        })
        .collect()
}

fn held(ty: &syn::Type) -> Option<Held> {
    let ident = type_ident(ty)?.to_string();
    Some(match ident.as_str() {
        "String" => Held::Text,
        "Number" => Held::JsonNumber,
        "bool" => Held::Bool,
        "f32" | "f64" => Held::Float(ident),
        _ if INTEGERS.contains(&ident.as_str()) => Held::Integer(ident),
        "Vec" => match vec_inner(ty).and_then(type_ident) {
            Some(inner) if inner == "String" => Held::TextList,
            _ => return None,
        },
        _ if generic_inner(ty, &ident).is_none() => Held::Named(ident),
        _ => return None,
    })
}

/// The Rust types callers convert from, each with the variants that take it.
fn sources() -> Vec<Source> {
    let plain = |key: &str, ty: TokenStream| Source {
        ty,
        key: key.to_owned(),
        generics: TokenStream::new(),
    };
    let mut sources = vec![
        plain("&str", quote!(&str)),
        plain("String", quote!(::std::string::String)),
        plain("bool", quote!(bool)),
        plain("f64", quote!(f64)),
        plain(
            "Vec<String>",
            quote!(::std::vec::Vec<::std::string::String>),
        ),
        plain("Vec<&str>", quote!(::std::vec::Vec<&str>)),
        plain("&[&str]", quote!(&[&str])),
        Source {
            ty: quote!([&str; N]),
            key: "[&str; N]".to_owned(),
            generics: quote!(<const N: usize>),
        },
    ];
    for integer in INTEGERS {
        let ident = format_ident!("{integer}");
        sources.push(plain(integer, quote!(#ident)));
    }
    sources
}

/// How `variant` is built from a `value` of `source`, and whether that can
/// fail; `None` when the variant does not take that type.
fn build(held: &Held, source: &str) -> Option<(TokenStream, bool)> {
    let widens = |into: &str| integer_widens(source, into);
    Some(match (held, source) {
        (Held::Text, "&str") => (quote!(value.to_owned()), false),
        (Held::Text, "String") => (quote!(value), false),
        (Held::Bool, "bool") => (quote!(value), false),
        (Held::JsonNumber, "f64") => (
            quote!(::serde_json::Number::from_f64(value).ok_or(crate::NonFiniteNumber(value))?),
            true,
        ),
        (Held::JsonNumber, _) if INTEGERS.contains(&source) => {
            (quote!(::serde_json::Number::from(value)), false)
        }
        (Held::Float(float), "f64") if float == "f64" => (quote!(value), false),
        (Held::Float(float), _) if INTEGERS.contains(&source) && widens(float) => {
            (quote!(value.into()), false)
        }
        (Held::Integer(integer), _) if INTEGERS.contains(&source) && widens(integer) => {
            (quote!(value.into()), false)
        }
        (Held::TextList, "Vec<String>") => (quote!(value), false),
        (Held::TextList, "Vec<&str>" | "&[&str]" | "[&str; N]") => (
            quote!(value.into_iter().map(|text| (*text).to_owned()).collect()),
            false,
        ),
        _ => return None,
    })
}

/// Whether the variant takes a value of `source` without [`build`] knowing
/// how: a string enum or newtype of the spec's takes text too, so `&str`
/// would not say which variant.
fn takes_unbuilt(held: &Held, source: &str, string_like: &BTreeSet<String>) -> bool {
    matches!((held, source), (Held::Named(name), "&str" | "String") if string_like.contains(name))
}

/// Whether Rust's `From` turns integer `from` (or `f32`/`f64`) into `into`
/// without loss.
fn integer_widens(from: &str, into: &str) -> bool {
    let bits = |name: &str| name[1..].parse::<u32>().ok();
    if from == into {
        return true;
    }
    let (Some(from_bits), Some(into_bits)) = (bits(from), bits(into)) else {
        return false;
    };
    match (&from[..1], &into[..1]) {
        ("i", "i") | ("u", "u") => from_bits < into_bits,
        ("u", "i") => from_bits < into_bits,
        ("i" | "u", "f") => from_bits < into_bits,
        _ => false,
    }
}

fn union_conversions(
    item: &ItemEnum,
    variants: &[Variant],
    existing: &BTreeSet<(String, String)>,
    string_like: &BTreeSet<String>,
) -> Vec<Item> {
    let name = &item.ident;
    let taken = |key: &str| existing.contains(&(name.to_string(), key.to_owned()));
    let mut impls = Vec::new();
    for Source { ty, key, generics } in sources() {
        if taken(&key) {
            continue;
        }
        let takers: Vec<_> = variants
            .iter()
            .filter(|variant| {
                build(&variant.held, &key).is_some()
                    || takes_unbuilt(&variant.held, &key, string_like)
            })
            .collect();
        let [taker] = takers.as_slice() else {
            continue;
        };
        let variant = &taker.ident;
        let Some((value, fallible)) = build(&taker.held, &key) else {
            continue;
        };
        let item: Item = if fallible {
            syn::parse_quote! {
                impl #generics ::std::convert::TryFrom<#ty> for #name {
                    type Error = crate::NonFiniteNumber;
                    fn try_from(value: #ty) -> ::std::result::Result<Self, Self::Error> {
                        ::std::result::Result::Ok(Self::#variant(#value))
                    }
                }
            }
        } else {
            syn::parse_quote! {
                impl #generics ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(#value)
                    }
                }
            }
        };
        impls.push(item);
    }
    impls
}

/// `(enum, type)` for every `From<type>` and `TryFrom<type>` already there.
fn existing_conversions(types: &[Item]) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for item in types {
        let Item::Impl(item) = item else { continue };
        let Some((trait_path, _)) = &item.trait_ else {
            continue;
        };
        let Some(last) = trait_path.segments.last() else {
            continue;
        };
        if last.ident != "From" && last.ident != "TryFrom" {
            continue;
        }
        let (Some(target), Some(from)) = (type_ident(&item.self_ty), syntax_argument(last)) else {
            continue;
        };
        if let Some(key) = source_key(from) {
            found.insert((target.to_string(), key));
        }
    }
    found
}

fn syntax_argument(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The name [`sources`] gives `ty`, for the types it lists.
fn source_key(ty: &syn::Type) -> Option<String> {
    if is_str_ref(ty) {
        return Some("&str".to_owned());
    }
    if let syn::Type::Reference(reference) = ty
        && let syn::Type::Slice(slice) = &*reference.elem
        && is_str_ref(&slice.elem)
    {
        return Some("&[&str]".to_owned());
    }
    let ident = type_ident(ty)?.to_string();
    if ident == "Vec" {
        let inner = vec_inner(ty)?;
        return if is_str_ref(inner) {
            Some("Vec<&str>".to_owned())
        } else {
            (type_ident(inner)? == "String").then(|| "Vec<String>".to_owned())
        };
    }
    Some(ident)
}

/// The spec's types that text converts into (`FromStr`, `TryFrom<&str>`).
fn string_like_types(types: &[Item]) -> BTreeSet<String> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(item) => {
                let (trait_path, _) = item.trait_.as_ref()?;
                let last = trait_path.segments.last()?;
                let takes_text = last.ident == "FromStr"
                    || (last.ident == "TryFrom" && syntax_argument(last).is_some_and(is_str_ref));
                takes_text.then(|| type_ident(&item.self_ty).map(ToString::to_string))?
            }
            _ => None,
        })
        .collect()
}

/// One constructor per named branch, on a request struct that holds exactly
/// one union field: the required properties, then the branch's value.
fn constructors(
    item: &ItemStruct,
    types: &[Item],
    unions: &[UnionEnum],
    notes: &mut Vec<Repair>,
) -> Option<Item> {
    let syn::Fields::Named(fields) = &item.fields else {
        return None;
    };
    let mut holders = fields.named.iter().filter_map(|field| {
        let inner = option_inner(&field.ty)
            .or_else(|| nullable_inner(&field.ty))
            .unwrap_or(&field.ty);
        let name = type_ident(inner)?;
        let union = unions.iter().find(|union| union.ident == *name)?;
        Some((field, union))
    });
    let (field, holder) = holders.next()?;
    let (enum_name, union) = (&holder.ident, holder.union);
    if holders.next().is_some() {
        return None;
    }
    let methods = inherent_methods(types, &item.ident);
    let new = methods.iter().find(|method| method.sig.ident == "new")?;
    let field_name = field.ident.as_ref()?;
    let arguments: Vec<&syn::PatType> = new
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(argument) => Some(argument),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let argument_name = |argument: &syn::PatType| match &*argument.pat {
        syn::Pat::Ident(pat) => Some(pat.ident.clone()),
        _ => None,
    };
    let names: Vec<syn::Ident> = arguments.iter().filter_map(|a| argument_name(a)).collect();
    if names.len() != arguments.len() {
        return None;
    }
    let required = names.iter().any(|name| name == field_name);
    let setter = methods.iter().any(|method| method.sig.ident == *field_name);
    if !required && !setter {
        return None;
    }
    let taken: BTreeSet<String> = methods
        .iter()
        .map(|method| method.sig.ident.to_string())
        .collect();
    let value = if names.iter().any(|name| name == "value") {
        format_ident!("branch_value")
    } else {
        format_ident!("value")
    };
    let call = NewCall {
        arguments,
        names,
        field_name,
        required,
        value,
    };
    let mut built = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, (variant, constructor)) in
        holder.variants.iter().zip(&union.constructors).enumerate()
    {
        let (ty, held) = (&variant.ty, &variant.held);
        let variant = &variant.ident;
        let Some(constructor) = constructor else {
            continue;
        };
        if taken.contains(constructor)
            || !seen.insert(constructor.clone())
            || syn::parse_str::<syn::Ident>(constructor).is_err()
        {
            notes.push(Repair::at(
                pointer(["components", "schemas", union.name.as_str(), "oneOf", &index.to_string()]),
                format!("the branch's name gives `{}::{constructor}`, which is taken or not an identifier", item.ident),
                "no constructor for this branch",
            ));
            continue;
        }
        let constructor = format_ident!("{constructor}");
        built.push(branch_constructor(
            &call,
            &constructor,
            enum_name,
            variant,
            ty,
            held,
        ));
    }
    if built.is_empty() {
        return None;
    }
    let name = &item.ident;
    Some(syn::parse_quote! {
        impl #name {
            #(#built)*
        }
    })
}

/// How a constructor calls the struct's `new`: its parameters, and where the
/// union's value goes (an argument of `new`, or its setter after).
struct NewCall<'a> {
    arguments: Vec<&'a syn::PatType>,
    names: Vec<syn::Ident>,
    field_name: &'a syn::Ident,
    required: bool,
    /// The name of the branch's value among the parameters.
    value: syn::Ident,
}

/// One constructor: the parameters of `new` but the union's, then the
/// branch's value, converted as the variant holds it.
fn branch_constructor(
    call: &NewCall,
    constructor: &syn::Ident,
    enum_name: &syn::Ident,
    variant: &syn::Ident,
    ty: &syn::Type,
    held: &Held,
) -> TokenStream {
    let NewCall {
        arguments,
        names,
        field_name,
        required,
        value,
    } = call;
    let (parameter, converted) = if *held == Held::TextList {
        (
            quote!(
                impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
            ),
            quote!(#value.into_iter().map(::std::convert::Into::into).collect()),
        )
    } else {
        (
            quote!(impl ::std::convert::Into<#ty>),
            quote!(#value.into()),
        )
    };
    let branch = quote!(#enum_name::#variant(#converted));
    let kept = arguments
        .iter()
        .zip(names)
        .filter(|(_, name)| name != field_name)
        .map(|(argument, _)| argument);
    let call_arguments = names.iter().map(|name| {
        if name == *field_name {
            branch.clone()
        } else {
            quote!(#name)
        }
    });
    let body = if *required {
        quote!(Self::new(#(#call_arguments),*))
    } else {
        quote!(Self::new(#(#call_arguments),*).#field_name(#branch))
    };
    let doc = format!(
        " A value whose `{field_name}` is the spec's `{constructor}` branch (`{enum_name}::{variant}`), with the required properties."
    );
    quote! {
        #[doc = #doc]
        pub fn #constructor(#(#kept,)* #value: #parameter) -> Self {
            #body
        }
    }
}

fn inherent_methods<'t>(types: &'t [Item], name: &syn::Ident) -> Vec<&'t syn::ImplItemFn> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(item)
                if item.trait_.is_none() && type_ident(&item.self_ty) == Some(name) =>
            {
                Some(item)
            }
            _ => None,
        })
        .flat_map(|item| &item.items)
        .filter_map(|member| match member {
            syn::ImplItem::Fn(method) => Some(method),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_widen_only_without_loss() {
        assert!(integer_widens("i32", "i64"));
        assert!(integer_widens("u32", "i64"));
        assert!(integer_widens("i32", "f64"));
        assert!(!integer_widens("i64", "f64"));
        assert!(!integer_widens("u64", "i64"));
        assert!(!integer_widens("i8", "u64"));
        assert!(!integer_widens("usize", "u64"));
    }
}
