//! Runs progenitor on the lowered spec and splits its one token stream into
//! the `types` module and the raw client the facade calls.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use syn::visit::Visit;
use syn::{ImplItem, Item, Signature};

use crate::Error;
use crate::syntax::{is_str_ref, path_argument, type_ident, wire_name};

pub(crate) struct RawOutput {
    /// The contents of progenitor's `pub mod types`.
    pub types: Vec<Item>,
    /// Progenitor's client, minus what the facade replaces.
    pub client: Vec<Item>,
    pub methods: Vec<RawMethod>,
    /// Names of every type typify generated.
    pub type_names: BTreeSet<String>,
    /// Types that wrap a `String` checked on construction (`TryFrom<&str>`).
    pub string_newtypes: BTreeSet<String>,
    pub uses: ExternalTypes,
}

/// One positional method of the raw client.
pub(crate) struct RawMethod {
    /// The id progenitor gives hooks: the method's name.
    pub operation_id: String,
    pub signature: Signature,
    pub docs: Vec<syn::Attribute>,
}

/// Crates typify's output refers to, which the manifest must then list.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ExternalTypes {
    pub chrono: bool,
    pub uuid: bool,
    pub regress: bool,
}

pub(crate) fn run(spec: &OpenAPI) -> Result<RawOutput, Error> {
    // Positional style: one method per operation with its parameters as
    // arguments. The builder style adds a builder per operation and per
    // struct (about 5x the code) without adding checks the types lack.
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::runtime::Inner))
        .with_derive("PartialEq")
        // Maps serialize in key order, so the same value is the same bytes.
        .with_map_type("::std::collections::BTreeMap");
    let mut generator = Generator::new(&settings);
    let tokens = generator.generate_tokens(spec).map_err(|e| {
        let fails = |part: &OpenAPI| Generator::new(&settings).generate_tokens(part).is_err();
        let at = crate::locate::culprit(spec, fails).unwrap_or_default();
        Error::at(at, format!("progenitor: {e}"))
    })?;
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::at(
            "",
            format!("progenitor produced code that does not parse: {e}"),
        )
    })?;

    let type_space = generator.get_type_space();
    let type_names = type_space.iter_types().map(|t| t.name()).collect();
    let uses = ExternalTypes {
        chrono: type_space.uses_chrono(),
        uuid: type_space.uses_uuid(),
        regress: type_space.uses_regress(),
    };

    let mut types = Vec::new();
    let mut client = Vec::new();
    let mut methods = Vec::new();
    for item in parsed.items {
        match item {
            Item::Mod(module) if module.ident == "types" => {
                types = module.content.map(|(_, items)| items).unwrap_or_default();
            }
            // The facade offers what callers use; progenitor's re-exports,
            // prelude and URL-only constructor would be dead code here.
            Item::Mod(module) if module.ident == "prelude" => {}
            Item::Use(mut import) => {
                import.vis = syn::Visibility::Inherited;
                client.push(Item::Use(import));
            }
            Item::Impl(mut block) if block.trait_.is_none() => {
                block.items.retain(|item| match item {
                    ImplItem::Fn(function) => function.sig.ident != "new",
                    _ => true,
                });
                for item in &block.items {
                    if let ImplItem::Fn(function) = item
                        && let Some(operation_id) = operation_id_of(function)
                    {
                        let docs = function
                            .attrs
                            .iter()
                            .filter(|a| a.path().is_ident("doc"))
                            .cloned()
                            .collect();
                        methods.push(RawMethod {
                            operation_id,
                            signature: function.sig.clone(),
                            docs,
                        });
                    }
                }
                client.push(Item::Impl(block));
            }
            other => client.push(other),
        }
    }
    dedupe_field_names(&mut types);
    allow_typify_variant_names(&mut types);
    route_parameters_through_runtime(&mut client);
    drop_api_version_header(&mut client);
    answer_as_received(&mut client)?;
    let string_newtypes = string_newtypes(&types);
    Ok(RawOutput {
        types,
        client,
        methods,
        type_names,
        string_newtypes,
        uses,
    })
}

/// Progenitor encodes path parameters with `encode_path`, whose set of
/// escaped characters misses `\`, `;`, `[` and `|`: a URL parser reads
/// `\` as `/` and then resolves `..`, so a caller's value could reach
/// another endpoint with the token. Every such call becomes the runtime's
/// allow-list encoding, once (never on top of `encode_path`). A header
/// parameter's value that cannot be sent becomes an error naming the header,
/// where progenitor's says only that some value was invalid.
fn route_parameters_through_runtime(client: &mut Vec<Item>) {
    use syn::visit_mut::VisitMut;

    struct Rewrite {
        encodes_paths: bool,
    }
    impl VisitMut for Rewrite {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            let tokens = std::mem::take(&mut mac.tokens);
            mac.tokens = replace_encode_path(tokens, &mut self.encodes_paths);
        }

        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            let appends_to_header_map = call.method == "append"
                && matches!(&*call.receiver, syn::Expr::Path(path) if path.path.is_ident("header_map"))
                && call.args.len() == 2;
            if !appends_to_header_map {
                return;
            }
            let syn::Expr::Try(converted) = &call.args[1] else {
                return;
            };
            let syn::Expr::MethodCall(try_into) = &*converted.expr else {
                return;
            };
            if try_into.method != "try_into" || !try_into.args.is_empty() {
                return;
            }
            let name = &call.args[0];
            let text = &try_into.receiver;
            call.args[1] = syn::parse_quote! {
                match crate::runtime::header_value(#name, &#text) {
                    Ok(value) => value,
                    Err(reason) => return Err(Error::InvalidRequest(reason)),
                }
            };
        }

        fn visit_use_tree_mut(&mut self, tree: &mut syn::UseTree) {
            if let syn::UseTree::Group(group) = tree {
                group.items = std::mem::take(&mut group.items)
                    .into_iter()
                    .filter(|item| !matches!(item, syn::UseTree::Name(name) if name.ident == "encode_path"))
                    .collect();
            }
            syn::visit_mut::visit_use_tree_mut(self, tree);
        }
    }

    let mut rewrite = Rewrite {
        encodes_paths: false,
    };
    for item in client.iter_mut() {
        rewrite.visit_item_mut(item);
    }
    if rewrite.encodes_paths {
        client.insert(
            0,
            syn::parse_quote!(
                use crate::runtime::encode_path_segment;
            ),
        );
    }
}

/// Progenitor sends `api-version: <info.version>` on every request; no API
/// asked for it, so each method's raw request is built without it (and its
/// header map is sized for what stays), rather than removed from every
/// request as it goes out.
fn drop_api_version_header(client: &mut [Item]) {
    use syn::visit_mut::VisitMut;

    struct Drop;
    impl VisitMut for Drop {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let before = block.stmts.len();
            block.stmts.retain(
                |stmt| !matches!(stmt, syn::Stmt::Expr(expr, _) if appends_api_version(expr)),
            );
            let dropped = before - block.stmts.len();
            if dropped > 0 {
                block
                    .stmts
                    .iter_mut()
                    .for_each(|stmt| shrink_header_map(stmt, dropped));
            }
        }
    }
    for item in client.iter_mut() {
        Drop.visit_item_mut(item);
    }
}

/// Progenitor's raw methods hand back a 2xx as a `ResponseValue<ByteStream>`
/// (the headers copied, the body boxed as a stream) and any other status as
/// an error. `receive` reads every status alike, and reads the body once,
/// so each method returns the `reqwest::Response` as it came, and the
/// imports only that wrapping used go.
///
/// An operation's method that ends otherwise is an error here, rather than
/// a crate that does not compile.
fn answer_as_received(client: &mut [Item]) -> Result<(), Error> {
    for item in client.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let Some(operation_id) = operation_id_of(function) else {
                continue;
            };
            let subject = match function.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => status_match_subject(tail).cloned(),
                _ => None,
            };
            let Some(subject) = subject else {
                return Err(Error::at(
                    "",
                    format!(
                        "progenitor's method for `{operation_id}` does not end by matching the answer's status"
                    ),
                ));
            };
            if let Some(syn::Stmt::Expr(tail, None)) = function.block.stmts.last_mut() {
                *tail = syn::parse_quote!(Ok(#subject));
            }
            function.sig.output = syn::parse_quote!(-> Result<reqwest::Response, Error<()>>);
        }
    }
    let still_used = |name: &str| {
        client
            .iter()
            .any(|item| !matches!(item, Item::Use(_)) && crate::syntax::mentions_ident(item, name))
    };
    let unused: Vec<&str> = ["ByteStream", "ResponseValue"]
        .into_iter()
        .filter(|name| !still_used(name))
        .collect();
    for item in client.iter_mut() {
        if let Item::Use(import) = item {
            crate::syntax::drop_use_names(&mut import.tree, &unused);
        }
    }
    Ok(())
}

/// The answer `match response.status().as_u16() { 200..=299 => …, _ => … }`
/// reads (progenitor names it `_response` when a parameter takes
/// `response`).
fn status_match_subject(expr: &syn::Expr) -> Option<&syn::Ident> {
    let syn::Expr::Match(status_match) = expr else {
        return None;
    };
    let syn::Expr::MethodCall(as_u16) = &*status_match.expr else {
        return None;
    };
    let syn::Expr::MethodCall(status) = &*as_u16.receiver else {
        return None;
    };
    let syn::Expr::Path(subject) = &*status.receiver else {
        return None;
    };
    (as_u16.method == "as_u16" && status.method == "status")
        .then(|| subject.path.get_ident())
        .flatten()
}

/// `header_map.append(HeaderName::from_static("api-version"), …)`.
fn appends_api_version(expr: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(call) = expr else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = call.args.first() else {
        return false;
    };
    call.method == "append"
        && matches!(&*call.receiver, syn::Expr::Path(path) if path.path.is_ident("header_map"))
        && matches!(
            name.args.first(),
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }))
                if text.value() == "api-version"
        )
}

/// `let mut header_map = HeaderMap::with_capacity(N)` → `N - dropped`.
fn shrink_header_map(stmt: &mut syn::Stmt, dropped: usize) {
    let syn::Stmt::Local(local) = stmt else {
        return;
    };
    let syn::Pat::Ident(binding) = &mut local.pat else {
        return;
    };
    let Some(init) = &mut local.init else {
        return;
    };
    let syn::Expr::Call(call) = &mut *init.expr else {
        return;
    };
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(capacity),
        ..
    })) = call.args.first_mut()
    else {
        return;
    };
    if binding.ident != "header_map" {
        return;
    }
    let Ok(count) = capacity.base10_parse::<usize>() else {
        return;
    };
    let remaining = count.saturating_sub(dropped);
    *capacity = syn::LitInt::new(&format!("{remaining}usize"), capacity.span());
    // Progenitor sizes the map for its appends: with none left, it is
    // never changed.
    if remaining == 0 {
        binding.mutability = None;
    }
}

/// `encode_path` → `encode_path_segment`, at any depth of a
/// macro's tokens (progenitor calls it inside `format!`); sets `replaced`
/// when there was one.
fn replace_encode_path(
    tokens: proc_macro2::TokenStream,
    replaced: &mut bool,
) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .into_iter()
        .flat_map(|tree| -> Vec<TokenTree> {
            match tree {
                TokenTree::Ident(ident) if ident == "encode_path" => {
                    *replaced = true;
                    vec![TokenTree::Ident(proc_macro2::Ident::new(
                        "encode_path_segment",
                        ident.span(),
                    ))]
                }
                TokenTree::Group(group) => {
                    let mut replaced = Group::new(
                        group.delimiter(),
                        replace_encode_path(group.stream(), replaced),
                    );
                    replaced.set_span(group.span());
                    vec![TokenTree::Group(replaced)]
                }
                other => vec![other],
            }
        })
        .collect()
}

fn string_newtypes(types: &[Item]) -> BTreeSet<String> {
    let wraps_string = |item: &syn::ItemStruct| match &item.fields {
        syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
            type_ident(&fields.unnamed[0].ty).is_some_and(|name| name == "String")
        }
        _ => false,
    };
    let newtypes: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if wraps_string(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    types
        .iter()
        .filter_map(|item| {
            let Item::Impl(block) = item else { return None };
            let (trait_path, _) = block.trait_.as_ref()?;
            let from_str = path_argument(trait_path, "TryFrom").is_some_and(is_str_ref);
            let name = type_ident(&block.self_ty)?.to_string();
            (from_str && newtypes.contains(&name)).then_some(name)
        })
        .collect()
}

/// Progenitor writes `OperationInfo { operation_id: "<id>" }` into each
/// operation's method; that literal ties the method to the spec.
fn operation_id_of(function: &syn::ImplItemFn) -> Option<String> {
    struct OperationId(Option<String>);
    impl<'ast> Visit<'ast> for OperationId {
        fn visit_expr_struct(&mut self, init: &'ast syn::ExprStruct) {
            let is_info = init
                .path
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "OperationInfo");
            if is_info && self.0.is_none() {
                self.0 = init
                    .fields
                    .iter()
                    .find_map(|field| match (&field.member, &field.expr) {
                        (
                            syn::Member::Named(name),
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(id),
                                ..
                            }),
                        ) if name == "operation_id" => Some(id.value()),
                        _ => None,
                    });
            }
            syn::visit::visit_expr_struct(self, init);
        }
    }
    let mut found = OperationId(None);
    found.visit_block(&function.block);
    found.0
}

/// Typify names the enum values `+1` and `-1` `plus1` and `minus1`, which
/// the `non_camel_case_types` lint flags in crates that deny warnings.
fn allow_typify_variant_names(types: &mut [Item]) {
    for item in types {
        let Item::Enum(item) = item else { continue };
        if item
            .variants
            .iter()
            .any(|variant| variant.ident == "plus1" || variant.ident == "minus1")
        {
            item.attrs
                .push(syn::parse_quote!(#[allow(non_camel_case_types)]));
        }
    }
}

/// Properties whose names differ only in case or punctuation (`id`, `Id`,
/// `ID`) become one Rust field name in typify's output. The field whose
/// name is its wire name keeps it (else the first); the others get `_2`,
/// `_3`… (`self_` and `Self`'s `self_` give `self_2`), skipping names another
/// field has. Each keeps its `#[serde(rename)]`, so the wire is unchanged.
fn dedupe_field_names(types: &mut [Item]) {
    for item in types {
        let Item::Struct(item) = item else { continue };
        let syn::Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        let mut groups: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for (index, field) in fields.named.iter().enumerate() {
            if let Some(ident) = &field.ident {
                groups.entry(ident.to_string()).or_default().push(index);
            }
        }
        let mut taken: BTreeSet<String> = groups.keys().cloned().collect();
        for (ident, indices) in groups {
            if indices.len() < 2 {
                continue;
            }
            // A keyword's escape (`self_`) takes the suffix without a second `_`.
            let base = ident.trim_end_matches('_');
            let renamed = |field: &syn::Field| wire_name(field) != ident;
            let keeper = indices
                .iter()
                .copied()
                .find(|&i| !renamed(&fields.named[i]))
                .unwrap_or(indices[0]);
            let mut n = 2;
            for index in indices.into_iter().filter(|&i| i != keeper) {
                let field = &mut fields.named[index];
                if !renamed(field) {
                    // Not reached: typify renames every field whose Rust
                    // name differs from its wire name.
                    continue;
                }
                let name = (n..)
                    .map(|n| format!("{base}_{n}"))
                    .find(|name| !taken.contains(name))
                    .expect("some suffix is free");
                n += 1;
                taken.insert(name.clone());
                field.ident = Some(quote::format_ident!("{name}"));
            }
        }
    }
}
