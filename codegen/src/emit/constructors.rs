//! How a caller gets a `Client`: the URLs the spec names
//! (`DEFAULT_BASE_URL`, `OAUTH_TOKEN_URL`) and `Client::builder` and
//! `Client::new`, which take the credential when the spec's operations
//! accept one kind.

use proc_macro2::TokenStream;
use quote::quote;

use super::credentials;
use crate::model::{Api, CredentialKind};

/// `DEFAULT_BASE_URL` and `OAUTH_TOKEN_URL`, when the spec names them.
pub(super) fn spec_urls(api: &Api) -> TokenStream {
    let base_url = api.default_base_url.as_ref().map(|url| {
        quote! {
            /// The server the spec names; [`ClientBuilder::base_url`] overrides it.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let token_url = api.oauth_token_url.as_ref().map(|url| {
        quote! {
            /// Where the spec's OAuth scheme renews tokens, for
            /// [`OAuthRefresh::new`](crate::OAuthRefresh::new).
            pub const OAUTH_TOKEN_URL: &str = #url;
        }
    });
    quote! {
        #base_url

        #token_url
    }
}

/// `Client::builder` and, when the spec names a server, `Client::new`:
/// taking the credential when the spec's operations accept one kind, and
/// nothing otherwise (the builder's `with_<scheme>` setters take them).
pub(super) fn constructors(api: &Api) -> TokenStream {
    let default_base_url = match &api.default_base_url {
        Some(_) => quote!(Some(DEFAULT_BASE_URL)),
        None => quote!(None),
    };
    let start = quote!(ClientBuilder::new(#default_base_url, OPERATIONS, RATE_LIMITS, SPEC_SHA256));
    let groups = credentials::groups(api);
    let (parameters, arguments, builder, doc) = match groups.as_slice() {
        [group] => {
            let (parameters, _) = group.parameters_and_credential();
            let arguments = match group.kind {
                CredentialKind::Basic => quote!(user, password),
                _ => quote!(credentials),
            };
            let doc = format!(
                "Starts configuring a client that holds {}.",
                group.described()
            );
            (parameters, arguments, group.held(start), doc)
        }
        _ => {
            let doc = if groups.is_empty() {
                "Starts configuring a client.".to_owned()
            } else {
                "Starts configuring a client; give it the credentials the operations you call accept with the builder's `with_` setters.".to_owned()
            };
            (quote!(), quote!(), start, doc)
        }
    };
    let doc = super::doc(&super::wrapped(&doc));
    let new = api.default_base_url.as_ref().map(|_| {
        quote! {
            /// A client for [`DEFAULT_BASE_URL`] with default settings.
            pub fn new(#parameters) -> Result<Self, BuildError> {
                Self::builder(#arguments).build()
            }
        }
    });
    quote! {
        #doc
        pub fn builder(#parameters) -> ClientBuilder {
            #builder
        }

        #new
    }
}
