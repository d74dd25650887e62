//! The credentials a client holds, by security scheme, and which of them a
//! request sends: the first of its operation's alternatives that the client
//! can satisfy (OpenAPI's `security`: any one alternative, and every scheme
//! an alternative names).

use std::fmt;

use super::credential::Credential;
use super::policy::OperationPolicy;

/// The client's credentials, each with the schemes it satisfies (schemes
/// that send the same thing the same way share one: HighLevel's bearer
/// schemes all take the one token).
#[derive(Clone, Default)]
pub(super) struct HeldCredentials {
    /// Ordered by the first scheme's name, whatever the order they were
    /// given in, so a client's first credential is always the same one.
    held: Vec<(&'static [&'static str], Credential)>,
}

impl HeldCredentials {
    /// Holds `credential` for `schemes`, in place of one held for any of
    /// them before.
    pub(super) fn insert(&mut self, schemes: &'static [&'static str], credential: Credential) {
        self.held
            .retain(|(held, _)| !held.iter().any(|scheme| schemes.contains(scheme)));
        self.held.push((schemes, credential));
        self.held
            .sort_by_key(|(schemes, _)| schemes.first().copied());
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &Credential> {
        self.held.iter().map(|(_, credential)| credential)
    }

    /// Whether a credential can renew its token after the API rejects it
    /// (OAuth in a header), so a rejected request may be sent once more.
    pub(super) fn renewable(&self) -> bool {
        self.iter().any(Credential::renews_after_rejection)
    }

    /// The credential at `index` of [`chosen_indices`](Self::chosen_indices).
    pub(super) fn held(&self, index: usize) -> &Credential {
        &self.held[index].1
    }

    /// What the client counts requests that send nothing against.
    pub(super) fn first(&self) -> Option<&Credential> {
        self.iter().next()
    }

    /// The credentials `operation`'s request sends: those of its first
    /// alternative whose every scheme the client holds (none for an
    /// operation without requirements, or for an empty alternative, which
    /// the spec writes `{}`), each once. Else what it would accept, for
    /// the error. By position among the held credentials
    /// ([`held`](Self::held)): a client decides it once per operation
    /// (`route`).
    pub(super) fn chosen_indices(&self, operation: &OperationPolicy) -> Result<Vec<usize>, String> {
        if operation.security.is_empty() {
            return Ok(Vec::new());
        }
        for alternative in operation.security {
            let indices: Option<Vec<usize>> = alternative
                .iter()
                .map(|scheme| self.held.iter().position(|(s, _)| s.contains(scheme)))
                .collect();
            if let Some(mut indices) = indices {
                indices.sort_unstable();
                indices.dedup();
                return Ok(indices);
            }
        }
        let accepted: Vec<String> = operation
            .security
            .iter()
            .map(|alternative| {
                let names: Vec<String> = alternative.iter().map(|s| format!("`{s}`")).collect();
                names.join(" and ")
            })
            .collect();
        Err(format!(
            "`{}` needs a credential this client was not given: it accepts {}",
            operation.operation_id,
            accepted.join(", or ")
        ))
    }
}

impl fmt::Debug for HeldCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.held.iter().map(|(schemes, c)| (schemes, c)))
            .finish()
    }
}
