//! How a caller gets a `Client`: the URLs the spec names
//! (`DEFAULT_BASE_URL`, `OAUTH_TOKEN_URL`) and `Client::builder` and
//! `Client::new`, which take a credential when the spec has one.

use proc_macro2::TokenStream;
use quote::quote;

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

/// `Client::builder` and, when the spec names a server, `Client::new`.
pub(super) fn constructors(api: &Api) -> TokenStream {
    let default_base_url = match &api.default_base_url {
        Some(_) => quote!(Some(DEFAULT_BASE_URL)),
        None => quote!(None),
    };
    match &api.credential_kind {
        Some(kind) => authenticated_constructors(api, kind, default_base_url),
        None => {
            let new = api.default_base_url.as_ref().map(|_| {
                quote! {
                    /// A client for [`DEFAULT_BASE_URL`] with default settings.
                    pub fn new() -> Result<Self, BuildError> {
                        Self::builder().build()
                    }
                }
            });
            quote! {
                /// Starts configuring a client.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::new(#default_base_url, None, OPERATIONS, RATE_LIMITS, SPEC_SHA256)
                }

                #new
            }
        }
    }
}

/// The constructors of a client that sends a credential of `kind`.
fn authenticated_constructors(
    api: &Api,
    kind: &CredentialKind,
    default_base_url: TokenStream,
) -> TokenStream {
    let (header, prefix) = match kind {
        CredentialKind::Bearer => ("authorization".to_owned(), "Bearer "),
        CredentialKind::Header { name } => (name.to_ascii_lowercase(), ""),
    };
    let new = api.default_base_url.as_ref().map(|_| {
        quote! {
            /// A client for [`DEFAULT_BASE_URL`] with default settings.
            pub fn new(credentials: impl Into<Credentials>) -> Result<Self, BuildError> {
                Self::builder(credentials).build()
            }
        }
    });
    quote! {
        /// Starts configuring a client that authenticates every
        /// request: with a token, or with OAuth tokens it renews
        /// ([`OAuthRefresh`](crate::OAuthRefresh)).
        pub fn builder(credentials: impl Into<Credentials>) -> ClientBuilder {
            ClientBuilder::new(#default_base_url, Some(Credential::new(#header, #prefix, credentials.into())), OPERATIONS, RATE_LIMITS, SPEC_SHA256)
        }

        #new
    }
}
