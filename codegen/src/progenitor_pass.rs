//! Runs progenitor on the lowered spec and splits its one token stream into
//! the `types` module and the raw client the facade calls.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;
use syn::{ImplItem, Item, Signature};

use crate::Error;

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
    /// Request types with a `validate` method (added by `wire`).
    pub validated: BTreeSet<String>,
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

pub(crate) fn run(file: &str, spec: &OpenAPI) -> Result<RawOutput, Error> {
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
    let tokens = generator
        .generate_tokens(spec)
        .map_err(|e| Error::new(file, "", format!("progenitor: {e}")))?;
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            file,
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
    let string_newtypes = string_newtypes(&types);
    Ok(RawOutput {
        types,
        client,
        methods,
        type_names,
        string_newtypes,
        validated: BTreeSet::new(),
        uses,
    })
}

fn string_newtypes(types: &[Item]) -> BTreeSet<String> {
    let wraps_string = |item: &syn::ItemStruct| match &item.fields {
        syn::Fields::Unnamed(fields) => {
            fields.unnamed.len() == 1 && quote!(#fields).to_string().contains("String")
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
            let trait_text = quote!(#trait_path).to_string().replace(' ', "");
            let self_ty = &block.self_ty;
            let self_text = quote!(#self_ty).to_string();
            (trait_text.ends_with("TryFrom<&str>") && newtypes.contains(&self_text))
                .then_some(self_text)
        })
        .collect()
}

/// Progenitor writes `OperationInfo { operation_id: "<id>" }` into each
/// operation's method; that literal ties the method to the spec.
fn operation_id_of(function: &syn::ImplItemFn) -> Option<String> {
    let body = quote!(#function).to_string();
    let (_, rest) = body.split_once("operation_id :")?;
    let literal = rest.trim_start().strip_prefix('"')?;
    literal.split_once('"').map(|(id, _)| id.to_owned())
}
