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
    pub authenticated: bool,
    /// `(lower-case name, value)` pairs sent on every call.
    pub constant: &'static [(&'static str, &'static str)],
    pub retry: RetryRule,
}

impl OperationPolicy {
    /// The operation of `table` (a crate's `OPERATIONS`) with this method name.
    pub fn find(
        table: &'static [OperationPolicy],
        operation_id: &str,
    ) -> Option<&'static OperationPolicy> {
        table.iter().find(|op| op.operation_id == operation_id)
    }
}
