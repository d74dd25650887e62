//! What the spec fixes per operation: the rows of a generated crate's
//! `OPERATIONS` table.

use super::retry::RetryRule;

/// What the spec fixes for one operation rather than asking the caller.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationPolicy {
    /// The operation's method name, such as `update_contact`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, as the spec writes it: `/contacts/{contactId}`.
    pub path: &'static str,
    /// Whether a request may send a credential: some alternative of
    /// `security` names a scheme.
    pub authenticated: bool,
    /// The spec's `security` for the operation (or the root's): the
    /// alternatives, each the names of the schemes it needs together. A
    /// request sends the first alternative the client holds every
    /// credential of; an empty alternative needs none; no alternative at
    /// all, no credential.
    pub security: &'static [&'static [&'static str]],
    /// `(lower-case name, value)` pairs sent on every call.
    pub constant: &'static [(&'static str, &'static str)],
    pub retry: RetryRule,
}

impl OperationPolicy {
    /// An operation that sends no constant header and repeats only after a
    /// failed connect: for tables written by hand, such as tests'.
    #[doc(hidden)]
    pub const fn new(
        operation_id: &'static str,
        method: &'static str,
        path: &'static str,
        security: &'static [&'static [&'static str]],
    ) -> Self {
        let mut authenticated = false;
        let mut index = 0;
        while index < security.len() {
            authenticated |= !security[index].is_empty();
            index += 1;
        }
        OperationPolicy {
            operation_id,
            method,
            path,
            authenticated,
            security,
            constant: &[],
            retry: RetryRule::ConnectErrorsOnly,
        }
    }

    /// The operation of `table` (a crate's `OPERATIONS`) with this method name.
    pub fn find(
        table: &'static [OperationPolicy],
        operation_id: &str,
    ) -> Option<&'static OperationPolicy> {
        table.iter().find(|op| op.operation_id == operation_id)
    }
}
