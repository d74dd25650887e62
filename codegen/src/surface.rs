//! The public API of a generated crate, read from its syntax trees: one line
//! per public item, field, variant and method. Snapshots of it make API
//! changes reviewable without a nightly toolchain.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

/// One public element: `path` names it (`types::Contact::email`), `detail`
/// says what it is (`field: Option<String>`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SurfaceItem {
    pub path: String,
    pub detail: String,
}

/// Where a file's public items appear to callers: the crate root
/// re-exports the facade and the runtime; `types` is a public module.
fn public_prefix(file: &str) -> Option<&'static str> {
    match file {
        "src/client.rs" => Some(""),
        "src/types.rs" => Some("types::"),
        _ if file.starts_with("src/runtime/") => Some(""),
        _ => None,
    }
}

/// The public surface of a generated crate, sorted by path. Of the
/// runtime, only what `lib.rs` re-exports (`pub use runtime::{…}`) is
/// public; items marked `#[doc(hidden)]` are not part of it.
pub fn public_api(files: &BTreeMap<String, String>) -> Result<Vec<SurfaceItem>, syn::Error> {
    let exported = match files.get("src/lib.rs") {
        Some(lib) => runtime_exports(&syn::parse_file(lib)?),
        None => BTreeSet::new(),
    };
    let mut parsed = Vec::new();
    for (file, text) in files {
        if let Some(prefix) = public_prefix(file) {
            let runtime = file.starts_with("src/runtime/");
            parsed.push((prefix, runtime, syn::parse_file(text)?));
        }
    }
    // Impls may sit in another file than their type (the facade's
    // `impl ClientBuilder`).
    fn type_names(items: &[Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                Item::Struct(s) if is_pub(&s.vis) => out.push(s.ident.to_string()),
                Item::Enum(e) if is_pub(&e.vis) => out.push(e.ident.to_string()),
                Item::Mod(module) if is_pub(&module.vis) => {
                    if let Some((_, items)) = &module.content {
                        type_names(items, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut public_types = BTreeSet::new();
    for (_, runtime, file) in &parsed {
        let mut names = Vec::new();
        type_names(&file.items, &mut names);
        public_types.extend(
            names
                .into_iter()
                .filter(|name| !runtime || exported.contains(name)),
        );
    }
    let mut surface = Vec::new();
    for (prefix, runtime, file) in &parsed {
        let visible = |name: &str| !runtime || exported.contains(name);
        collect(&file.items, prefix, &public_types, &visible, &mut surface);
    }
    surface.sort();
    surface.dedup();
    Ok(surface)
}

/// The names `pub use runtime::{…}` re-exports at the crate root.
fn runtime_exports(lib: &syn::File) -> BTreeSet<String> {
    fn names(tree: &syn::UseTree, under_runtime: bool, out: &mut BTreeSet<String>) {
        match tree {
            syn::UseTree::Path(path) => names(&path.tree, path.ident == "runtime", out),
            syn::UseTree::Group(group) => {
                group
                    .items
                    .iter()
                    .for_each(|item| names(item, under_runtime, out));
            }
            syn::UseTree::Name(name) if under_runtime => {
                out.insert(name.ident.to_string());
            }
            syn::UseTree::Rename(rename) if under_runtime => {
                out.insert(rename.ident.to_string());
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for item in &lib.items {
        if let Item::Use(import) = item
            && is_pub(&import.vis)
        {
            names(&import.tree, false, &mut out);
        }
    }
    out
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("doc")
            && attr
                .to_token_stream()
                .to_string()
                .replace(' ', "")
                .contains("doc(hidden)")
    })
}

/// The surface as text, one `path: detail` line per item.
pub fn render(surface: &[SurfaceItem]) -> String {
    surface
        .iter()
        .map(|item| format!("{} {}\n", item.path, item.detail))
        .collect()
}

fn collect(
    items: &[Item],
    prefix: &str,
    public_types: &BTreeSet<String>,
    visible: &dyn Fn(&str) -> bool,
    out: &mut Vec<SurfaceItem>,
) {
    for item in items {
        let mut push = |path: String, detail: String| out.push(SurfaceItem { path, detail });
        match item {
            Item::Struct(s) if is_pub(&s.vis) && visible(&s.ident.to_string()) => {
                let path = format!("{prefix}{}", s.ident);
                push(
                    path.clone(),
                    format!("struct{}{}", generics(&s.generics), markers(&s.attrs)),
                );
                fields(&path, &s.fields, &mut push);
            }
            Item::Enum(e) if is_pub(&e.vis) && visible(&e.ident.to_string()) => {
                let path = format!("{prefix}{}", e.ident);
                push(
                    path.clone(),
                    format!("enum{}{}", generics(&e.generics), markers(&e.attrs)),
                );
                for variant in &e.variants {
                    let variant_path = format!("{path}::{}", variant.ident);
                    let shape = match &variant.fields {
                        Fields::Unit => String::new(),
                        Fields::Unnamed(unnamed) => {
                            format!("({})", tokens(unnamed.unnamed.to_token_stream()))
                        }
                        Fields::Named(_) => " { .. }".to_owned(),
                    };
                    push(variant_path.clone(), format!("variant{shape}"));
                    if let Fields::Named(_) = &variant.fields {
                        fields(&variant_path, &variant.fields, &mut push);
                    }
                }
            }
            Item::Const(c) if is_pub(&c.vis) && visible(&c.ident.to_string()) => {
                push(
                    format!("{prefix}{}", c.ident),
                    format!("const: {}", tokens(c.ty.to_token_stream())),
                );
            }
            Item::Type(t) if is_pub(&t.vis) && visible(&t.ident.to_string()) => {
                push(
                    format!("{prefix}{}", t.ident),
                    format!("type = {}", tokens(t.ty.to_token_stream())),
                );
            }
            Item::Fn(f) if is_pub(&f.vis) && visible(&f.sig.ident.to_string()) => {
                push(
                    format!("{prefix}{}()", f.sig.ident),
                    tokens(f.sig.to_token_stream()),
                );
            }
            Item::Impl(block) if public_types.contains(&self_type_name(&block.self_ty)) => {
                let self_ty = tokens(block.self_ty.to_token_stream());
                let self_path = format!("{prefix}{self_ty}");
                match &block.trait_ {
                    Some((trait_path, _)) => {
                        let trait_name = tokens(trait_path.to_token_stream());
                        push(self_path, format!("impl {trait_name}"));
                    }
                    None => {
                        for member in &block.items {
                            if let ImplItem::Fn(f) = member
                                && is_pub(&f.vis)
                                && !hidden(&f.attrs)
                            {
                                push(
                                    format!("{self_path}::{}()", f.sig.ident),
                                    format!(
                                        "{}{}",
                                        tokens(f.sig.to_token_stream()),
                                        deprecation(&f.attrs)
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            Item::Mod(module) if is_pub(&module.vis) => {
                if let Some((_, items)) = &module.content {
                    collect(
                        items,
                        &format!("{prefix}{}::", module.ident),
                        public_types,
                        visible,
                        out,
                    );
                }
            }
            _ => {}
        }
    }
}

/// `Response` for `Response<T>`; nothing for a path such as
/// `crate::raw::Client`, which names a private type.
fn self_type_name(self_ty: &syn::Type) -> String {
    match self_ty {
        syn::Type::Path(path) if path.path.segments.len() == 1 => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn fields(path: &str, fields: &Fields, push: &mut impl FnMut(String, String)) {
    for (index, field) in fields.iter().enumerate() {
        if !is_pub(&field.vis) {
            continue;
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| index.to_string(), ToString::to_string);
        push(
            format!("{path}::{name}"),
            format!(
                "field: {}{}",
                tokens(field.ty.to_token_stream()),
                deprecation(&field.attrs)
            ),
        );
    }
}

/// ` #[deprecated]` for a deprecated field or method: callers' uses of it
/// still compile, with a warning.
fn deprecation(attrs: &[syn::Attribute]) -> &'static str {
    if attrs.iter().any(|attr| attr.path().is_ident("deprecated")) {
        " #[deprecated]"
    } else {
        ""
    }
}

fn is_pub(visibility: &Visibility) -> bool {
    matches!(visibility, Visibility::Public(_))
}

fn generics(generics: &syn::Generics) -> String {
    if generics.params.is_empty() {
        String::new()
    } else {
        tokens(generics.to_token_stream())
    }
}

/// Derives and `non_exhaustive`: both change what callers may do.
fn markers(attrs: &[syn::Attribute]) -> String {
    let mut out = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("non_exhaustive") {
            out.push("non_exhaustive".to_owned());
        } else if attr.path().is_ident("derive")
            && let syn::Meta::List(list) = &attr.meta
        {
            {
                let mut derives: Vec<String> = tokens(list.tokens.clone())
                    .split(',')
                    .map(|d| d.trim().trim_start_matches("::").to_owned())
                    .collect();
                derives.sort();
                out.push(format!("derive({})", derives.join(", ")));
            }
        }
    }
    if out.is_empty() {
        String::new()
    } else {
        format!(" #[{}]", out.join("] #["))
    }
}

/// Token text with the spacing `quote` inserts taken out where Rust code
/// has none.
fn tokens(stream: proc_macro2::TokenStream) -> String {
    // Absolute paths (`::std::string::String`) read as plain ones: a `::`
    // that does not follow a path segment starts a path and is dropped.
    let text = stream.to_string();
    let mut kept: Vec<&str> = Vec::new();
    for token in text.split_whitespace() {
        let follows_segment = kept.last().is_some_and(|previous| {
            previous
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '>')
                && !matches!(
                    *previous,
                    "impl" | "dyn" | "mut" | "for" | "as" | "in" | "where"
                )
        });
        if token == "::" && !follows_segment {
            continue;
        }
        kept.push(token);
    }
    let text = kept.join(" ");
    let mut out = text
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ,", ",")
        .replace("< ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("& ", "&")
        .replace(" :", ":")
        .replace("[ ", "[")
        .replace(" ]", "]");
    out = out
        .replace("->", " -> ")
        .replace("  ", " ")
        .replace(" (", "(")
        .replace(",)", ")");
    out.trim().to_owned()
}
