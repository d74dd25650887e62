//! How a caller gives a client its credentials: one per credential kind the
//! spec's operations accept (schemes of one kind send the same thing the
//! same way, so they share it). With one kind, `Client::builder` takes it;
//! with several, `ClientBuilder` gets a `with_<scheme>` setter per kind, and
//! the caller gives those the operations it calls need.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, CredentialKind, KeyLocation};
use crate::names;

/// The schemes one credential satisfies.
pub(super) struct Group<'a> {
    pub kind: &'a CredentialKind,
    /// In the spec's order; the first names the setter.
    pub schemes: Vec<&'a str>,
}

/// One group per kind, in the order of each kind's first scheme.
pub(super) fn groups(api: &Api) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for scheme in &api.security_schemes {
        match groups.iter_mut().find(|group| *group.kind == scheme.kind) {
            Some(group) => group.schemes.push(&scheme.name),
            None => groups.push(Group {
                kind: &scheme.kind,
                schemes: vec![&scheme.name],
            }),
        }
    }
    groups
}

impl Group<'_> {
    /// The parameters that take this credential, and the runtime
    /// `Credential` made of them.
    pub fn parameters_and_credential(&self) -> (TokenStream, TokenStream) {
        let taken = quote!(credentials: impl Into<Credentials>);
        let given = quote!(credentials.into());
        match self.kind {
            CredentialKind::Basic => (
                quote!(user: impl Into<String>, password: impl Into<SecretToken>),
                quote!(Credential::basic(user, password)),
            ),
            CredentialKind::Bearer => (
                taken,
                quote!(Credential::new("authorization", "Bearer ", #given)),
            ),
            CredentialKind::ApiKey { location, name } => {
                let credential = match location {
                    KeyLocation::Header => {
                        let name = name.to_ascii_lowercase();
                        quote!(Credential::new(#name, "", #given))
                    }
                    KeyLocation::Query => quote!(Credential::query(#name, #given)),
                    KeyLocation::Cookie => quote!(Credential::cookie(#name, #given)),
                };
                (taken, credential)
            }
        }
    }

    /// `ClientBuilder::scheme_credential` with this group's schemes.
    pub fn held(&self, builder: TokenStream) -> TokenStream {
        let schemes = &self.schemes;
        let (_, credential) = self.parameters_and_credential();
        quote!(#builder.scheme_credential(&[#(#schemes),*], #credential))
    }

    /// What the credential is, in words, for docs.
    pub fn described(&self) -> String {
        let what = match self.kind {
            CredentialKind::Bearer => {
                "a token sent as `Authorization: Bearer`: a fixed one, or OAuth tokens the client renews ([`OAuthRefresh`](crate::OAuthRefresh))".to_owned()
            }
            CredentialKind::Basic => {
                "a user and a password, sent as `Authorization: Basic` (HTTP basic)".to_owned()
            }
            CredentialKind::ApiKey { location, name } => {
                let place = match location {
                    KeyLocation::Header => "header",
                    KeyLocation::Query => "query parameter",
                    KeyLocation::Cookie => "cookie",
                };
                format!("an API key sent as the {place} `{name}`")
            }
        };
        let schemes: Vec<String> = self.schemes.iter().map(|s| format!("`{s}`")).collect();
        format!("{what}; the spec's {}", schemes.join(", "))
    }
}

/// With several kinds, each group with the name of its setter on
/// `ClientBuilder`: `with_<first scheme>` (`_2`, `_3`… when two schemes
/// give one name). With one kind or none, nothing: `Client::builder` takes
/// the credential.
pub(super) fn named_setters(api: &Api) -> Vec<(String, Group<'_>)> {
    let groups = groups(api);
    if groups.len() < 2 {
        return Vec::new();
    }
    let mut named: Vec<(String, Group<'_>)> = Vec::new();
    for group in groups {
        let base = format!("with_{}", names::method_name(group.schemes[0]));
        let mut name = base.clone();
        let mut n = 1;
        while named.iter().any(|(taken, _)| *taken == name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        named.push((name, group));
    }
    named
}

/// The setters of [`named_setters`].
pub(super) fn setters(api: &Api) -> Vec<TokenStream> {
    named_setters(api)
        .iter()
        .map(|(name, group)| {
            let ident = format_ident!("{}", name);
            let (parameters, _) = group.parameters_and_credential();
            let doc = super::doc(&super::wrapped(&format!(
                "Holds {}. A request of an operation that accepts none of the credentials the client holds fails before it is sent.",
                group.described()
            )));
            let held = group.held(quote!(self));
            quote! {
                #doc
                pub fn #ident(self, #parameters) -> Self {
                    #held
                }
            }
        })
        .collect()
}
