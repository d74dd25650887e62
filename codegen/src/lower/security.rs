//! The spec's security schemes: how each sends its secret, which ones each
//! operation accepts, and where OAuth tokens are renewed.
//!
//! Supported: HTTP `bearer`, OAuth 2 and OpenID Connect (the caller's token
//! as `Authorization: Bearer`; OpenID Connect's discovery is the caller's
//! business, as is obtaining the token), HTTP `basic`, and API keys in a
//! header, the query or a cookie. Refused, with the scheme's pointer, when
//! an operation has no other alternative: other HTTP schemes (OAuth 1's
//! `oauth` signs each request with a nonce, `digest` answers a challenge
//! from the server, `negotiate` needs Kerberos), which cannot be sent as a
//! fixed value. An alternative that names one is dropped, with a note, when
//! the operation accepts another.

use openapiv3::{APIKeyLocation, OpenAPI, Operation as SpecOperation, ReferenceOr, SecurityScheme};

use crate::error::{Error, Repair};
use crate::model::{CredentialKind, KeyLocation, Scheme};
use crate::rules::pointer;

/// A declared scheme's name and kind, or why the client cannot send it.
type Declared = (String, Result<CredentialKind, String>);

/// The spec's security schemes, and the ones operations use so far.
pub(super) struct Security {
    /// Each declared scheme, in the spec's order.
    declared: Vec<Declared>,
    /// The requirements of operations that state none.
    global: Option<Vec<openapiv3::SecurityRequirement>>,
    /// The schemes some operation accepts, in declaration order.
    used: Vec<bool>,
    /// Alternatives dropped because they name a scheme the client cannot
    /// send.
    pub notes: Vec<Repair>,
}

impl Security {
    pub fn read(spec: &OpenAPI) -> Result<Self, Error> {
        let declared = credential_kinds(spec)?;
        Ok(Security {
            used: vec![false; declared.len()],
            declared,
            global: spec.security.clone(),
            notes: Vec::new(),
        })
    }

    /// The schemes some operation accepts, in the spec's order.
    pub fn used_schemes(&self) -> Vec<Scheme> {
        self.declared
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| **used)
            .filter_map(|((name, kind), _)| {
                Some(Scheme {
                    name: name.clone(),
                    kind: kind.clone().ok()?,
                })
            })
            .collect()
    }

    /// The alternatives the operation at `at` accepts (its own `security`,
    /// else the root's), each the scheme names it needs together. A scheme
    /// that is not declared is refused; an alternative the client cannot
    /// send is dropped when there is another, and refused when there is not.
    pub fn alternatives(
        &mut self,
        at: &str,
        operation: &SpecOperation,
    ) -> Result<Vec<Vec<String>>, Error> {
        let requirements = operation.security.as_ref().or(self.global.as_ref());
        let requirements = requirements.map(Vec::as_slice).unwrap_or_default();
        let mut alternatives = Vec::new();
        let mut unsupported = None;
        for requirement in requirements {
            let mut indices = Vec::new();
            for name in requirement.keys() {
                let Some(index) = self.declared.iter().position(|(n, _)| n == name) else {
                    return Err(Error::at(
                        format!("{at}/security"),
                        format!(
                            "security scheme `{name}` is not declared in components/securitySchemes"
                        ),
                    ));
                };
                if let Err(reason) = &self.declared[index].1 {
                    unsupported.get_or_insert((name.clone(), reason.clone()));
                    indices.clear();
                    break;
                }
                indices.push(index);
            }
            if indices.len() == requirement.len() {
                for &index in &indices {
                    self.used[index] = true;
                }
                alternatives.push(requirement.keys().cloned().collect());
            }
        }
        match unsupported {
            Some((name, reason)) if alternatives.is_empty() => Err(Error::at(
                pointer(["components", "securitySchemes", &name]),
                reason,
            )),
            Some((name, reason)) => {
                self.notes.push(Repair::at(
                    format!("{at}/security"),
                    reason,
                    format!("the alternatives that name `{name}` are left out"),
                ));
                Ok(alternatives)
            }
            None => Ok(alternatives),
        }
    }
}

/// Each declared scheme's kind, or why the client cannot send it.
fn credential_kinds(spec: &OpenAPI) -> Result<Vec<Declared>, Error> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut kinds = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", name]);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(Error::at(at, "security scheme `$ref` is not supported"));
        };
        kinds.push((name.clone(), credential_kind(&at, scheme)?));
    }
    Ok(kinds)
}

/// How `scheme` sends its secret, or why it cannot be sent; an error for a
/// name no request could carry.
fn credential_kind(
    at: &str,
    scheme: &SecurityScheme,
) -> Result<Result<CredentialKind, String>, Error> {
    let kind = match scheme {
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            CredentialKind::Bearer
        }
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            CredentialKind::Basic
        }
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
            CredentialKind::Bearer
        }
        SecurityScheme::HTTP { scheme, .. } => {
            return Ok(Err(format!(
                "HTTP `{scheme}` authentication is not supported: it is not a value a client can send as it is (basic and bearer are)"
            )));
        }
        SecurityScheme::APIKey { location, name, .. } => {
            let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
            let location = match location {
                APIKeyLocation::Header => KeyLocation::Header,
                APIKeyLocation::Query => KeyLocation::Query,
                APIKeyLocation::Cookie => KeyLocation::Cookie,
            };
            // A query parameter's name is percent-encoded; a header's and a
            // cookie's must be an RFC 9110 token as they are.
            if name.is_empty() || (location != KeyLocation::Query && !name.chars().all(token_char))
            {
                return Err(Error::at(
                    format!("{at}/name"),
                    format!("`{name}` is not a valid {} name", location.noun()),
                ));
            }
            CredentialKind::ApiKey {
                location,
                name: name.clone(),
            }
        }
    };
    Ok(Ok(kind))
}

impl KeyLocation {
    fn noun(self) -> &'static str {
        match self {
            KeyLocation::Header => "header",
            KeyLocation::Query => "query parameter",
            KeyLocation::Cookie => "cookie",
        }
    }
}

pub(super) fn oauth_token_url(spec: &OpenAPI) -> Option<String> {
    let components = spec.components.as_ref()?;
    components
        .security_schemes
        .values()
        .find_map(|scheme| match scheme.as_item()? {
            SecurityScheme::OAuth2 { flows, .. } => {
                let authorization_code = flows
                    .authorization_code
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let client_credentials = flows
                    .client_credentials
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let password = flows
                    .password
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let (refresh, token) = authorization_code.or(client_credentials).or(password)?;
                Some(refresh.unwrap_or(token).clone())
            }
            _ => None,
        })
}
