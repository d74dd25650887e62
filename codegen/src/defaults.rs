//! The rest of `wire`'s change to fields with a `default`: in request types
//! they become options sent only when set, so the server's default applies.
//! Typify's `impl Default`s still fill them from its `defaults` module, and
//! some of that module's functions are no longer called.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::{ImplItem, Item};

use crate::syntax::{nullable_inner, option_inner, serde_settings, type_ident};

/// Makes typify's `Default` impls and `defaults` module agree with the
/// rewritten fields.
pub(crate) fn follow_optional_defaults(types: &mut Vec<Item>) {
    fix_default_impls(types);
    prune_unused_defaults(types);
}

/// `f` when `path` is `defaults::f` (or `defaults::f::<…>`): a function of
/// typify's `defaults` module.
fn defaults_function(path: &syn::Path) -> Option<&syn::Ident> {
    let mut segments = path.segments.iter();
    match (segments.next(), segments.next(), segments.next()) {
        (Some(module), Some(function), None)
            if path.leading_colon.is_none() && module.ident == "defaults" =>
        {
            Some(&function.ident)
        }
        _ => None,
    }
}

/// The functions of typify's `defaults` module that code calls, or that a
/// `#[serde(default = "defaults::…")]` names.
#[derive(Default)]
struct DefaultsNamed(BTreeSet<String>);

impl<'ast> Visit<'ast> for DefaultsNamed {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(function) = defaults_function(path) {
            self.0.insert(function.to_string());
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let named = serde_settings(std::slice::from_ref(attr))
            .remove("default")
            .flatten()
            .and_then(|path| syn::parse_str::<syn::Path>(&path).ok());
        if let Some(function) = named.as_ref().and_then(defaults_function) {
            self.0.insert(function.to_string());
        }
        syn::visit::visit_attribute(self, attr);
    }
}

/// Removes the functions of typify's `defaults` module that nothing calls
/// any more: the fields they filled are options now, which leaves their
/// `#[serde(default = …)]` helpers unused.
fn prune_unused_defaults(types: &mut Vec<Item>) {
    let Some(index) = types
        .iter()
        .position(|item| matches!(item, Item::Mod(module) if module.ident == "defaults"))
    else {
        return;
    };
    let mut used = DefaultsNamed::default();
    for (i, item) in types.iter().enumerate() {
        if i != index {
            used.visit_item(item);
        }
    }
    let Item::Mod(module) = &mut types[index] else {
        return;
    };
    if let Some((_, items)) = &mut module.content {
        items.retain(|item| match item {
            Item::Fn(function) => used.0.contains(&function.sig.ident.to_string()),
            _ => true,
        });
        if items.iter().all(|item| !matches!(item, Item::Fn(_))) {
            types.remove(index);
        }
    }
}

/// Typify writes `impl Default` for structs whose fields all have defaults,
/// calling `defaults::…` for each. Such fields are options now, sent only
/// when set, so their default is `None`.
fn fix_default_impls(types: &mut [Item]) {
    let optional_fields: std::collections::BTreeMap<String, BTreeSet<String>> = types
        .iter()
        .filter_map(|item| {
            let Item::Struct(item) = item else {
                return None;
            };
            let syn::Fields::Named(fields) = &item.fields else {
                return None;
            };
            let optional = fields
                .named
                .iter()
                // Options and `Nullable`s: their `Default` is the absent value.
                .filter(|field| {
                    option_inner(&field.ty).is_some() || nullable_inner(&field.ty).is_some()
                })
                .filter_map(|field| field.ident.as_ref().map(ToString::to_string))
                .collect();
            Some((item.ident.to_string(), optional))
        })
        .collect();
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Some((path, _)) = &block.trait_ else {
            continue;
        };
        if path.segments.last().is_none_or(|s| s.ident != "Default") {
            continue;
        }
        let Some(optional) =
            type_ident(&block.self_ty).and_then(|name| optional_fields.get(&name.to_string()))
        else {
            continue;
        };
        for impl_item in &mut block.items {
            let ImplItem::Fn(function) = impl_item else {
                continue;
            };
            for statement in &mut function.block.stmts {
                let syn::Stmt::Expr(syn::Expr::Struct(init), _) = statement else {
                    continue;
                };
                for field in &mut init.fields {
                    let syn::Member::Named(name) = &field.member else {
                        continue;
                    };
                    let calls_defaults = match &field.expr {
                        syn::Expr::Call(call) => matches!(&*call.func,
                            syn::Expr::Path(callee) if defaults_function(&callee.path).is_some()),
                        _ => false,
                    };
                    if calls_defaults && optional.contains(&name.to_string()) {
                        field.expr = syn::parse_quote!(::std::default::Default::default());
                    }
                }
            }
        }
    }
}
