//! The spec's security schemes: the one credential kind a client holds,
//! which operations send it, and where OAuth tokens are renewed.

use openapiv3::{APIKeyLocation, OpenAPI, Operation as SpecOperation, ReferenceOr, SecurityScheme};

use crate::error::Error;
use crate::model::CredentialKind;
use crate::rules::pointer;

/// The spec's security schemes, and the one credential kind its
/// operations need.
pub(super) struct Security {
    /// Each scheme's name and kind.
    schemes: Vec<(String, CredentialKind)>,
    /// The requirements of operations that state none.
    global: Option<Vec<openapiv3::SecurityRequirement>>,
    /// The kind the operations lowered so far need, with the scheme that
    /// first named it.
    needed: Option<(CredentialKind, String)>,
}

impl Security {
    pub fn read(spec: &OpenAPI) -> Result<Self, Error> {
        Ok(Security {
            schemes: credential_kinds(spec)?,
            global: spec.security.clone(),
            needed: None,
        })
    }

    /// The kind of the credential the client holds, when some operation
    /// sends one.
    pub fn credential_kind(self) -> Option<CredentialKind> {
        self.needed.map(|(kind, _)| kind)
    }

    /// Whether the operation at `at` sends the credential. A scheme that is
    /// not declared, or of another kind than the ones before, is refused:
    /// one client holds one credential.
    pub fn authenticated(&mut self, at: &str, operation: &SpecOperation) -> Result<bool, Error> {
        let requirements = operation.security.as_ref().or(self.global.as_ref());
        let mut authenticated = false;
        for requirement in requirements.into_iter().flatten() {
            for name in requirement.keys() {
                let Some((_, kind)) = self.schemes.iter().find(|(n, _)| n == name) else {
                    return Err(Error::at(
                        format!("{at}/security"),
                        format!(
                            "security scheme `{name}` is not declared in components/securitySchemes"
                        ),
                    ));
                };
                authenticated = true;
                match &self.needed {
                    Some((known, first)) if known != kind => {
                        return Err(Error::at(
                            pointer(["components", "securitySchemes", name]),
                            format!(
                                "operations need different credential kinds (`{first}` and `{name}`); one client holds one credential"
                            ),
                        ));
                    }
                    Some(_) => {}
                    None => self.needed = Some((kind.clone(), name.clone())),
                }
            }
        }
        Ok(authenticated)
    }
}

fn credential_kinds(spec: &OpenAPI) -> Result<Vec<(String, CredentialKind)>, Error> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut kinds = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", name]);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(Error::at(at, "security scheme `$ref` is not supported"));
        };
        let kind = match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                CredentialKind::Bearer
            }
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
                CredentialKind::Bearer
            }
            SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name,
                ..
            } => {
                let token_char =
                    |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
                if name.is_empty() || !name.chars().all(token_char) {
                    return Err(Error::at(
                        format!("{at}/name"),
                        format!("`{name}` is not a valid header name"),
                    ));
                }
                CredentialKind::Header { name: name.clone() }
            }
            SecurityScheme::HTTP { scheme, .. } => {
                return Err(Error::at(
                    at,
                    format!("HTTP `{scheme}` authentication is not supported (bearer is)"),
                ));
            }
            SecurityScheme::APIKey { .. } => {
                return Err(Error::at(
                    at,
                    "API keys are supported in headers only, not in query or cookie",
                ));
            }
        };
        kinds.push((name.clone(), kind));
    }
    Ok(kinds)
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
