//! The tables the runtime reads the spec's rules from: `OPERATIONS` (per
//! operation: credentials, constant headers, when a repeat is safe) and
//! `RATE_LIMITS` (the spec's `x-rate-limits`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, Retry};
use crate::names;

/// One `OperationPolicy` per operation, in the spec's order.
pub(super) fn operation_policies(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    api.operations.iter().map(operation_policy)
}

fn operation_policy(operation: &Operation) -> TokenStream {
    // Hooks see progenitor's method name as the operation id.
    let id = names::method_name(&operation.id);
    let authenticated = operation
        .security
        .iter()
        .any(|alternative| !alternative.is_empty());
    let security = operation
        .security
        .iter()
        .map(|alternative| quote!(&[#(#alternative),*]));
    let (method, path) = (operation.method.to_ascii_uppercase(), &operation.path);
    let constants = operation.constant_headers.iter().map(|(name, value)| {
        let name = name.to_ascii_lowercase();
        quote!((#name, #value))
    });
    let retry = retry_rule(&operation.retry);
    quote!(OperationPolicy {
        operation_id: #id,
        method: #method,
        path: #path,
        authenticated: #authenticated,
        security: &[#(#security),*],
        constant: &[#(#constants),*],
        retry: #retry,
    })
}

fn retry_rule(retry: &Retry) -> TokenStream {
    match retry {
        Retry::Idempotent => quote!(RetryRule::Idempotent),
        Retry::ConnectErrorsOnly => quote!(RetryRule::ConnectErrorsOnly),
        Retry::WhenBody {
            not_true,
            all_present,
            any_present,
        } => {
            quote!(RetryRule::WhenBody {
                not_true: &[#(#not_true),*],
                all_present: &[#(#all_present),*],
                any_present: &[#(#any_present),*],
            })
        }
    }
}

/// One `RateWindow` per window of the spec's `x-rate-limits`.
pub(super) fn rate_windows(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    api.rate_windows.iter().map(|window| {
        let (requests, milliseconds) = (window.requests, window.milliseconds);
        let optional = |header: &Option<String>| match header {
            Some(name) => quote!(Some(#name)),
            None => quote!(None),
        };
        let (limit_header, remaining_header) = (
            optional(&window.limit_header),
            optional(&window.remaining_header),
        );
        quote!(RateWindow { requests: #requests, milliseconds: #milliseconds, limit_header: #limit_header, remaining_header: #remaining_header })
    })
}
