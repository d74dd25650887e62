//! The state every generated client holds (`Inner`), and what it answers
//! about operations: the rate budget, whether a request may be repeated,
//! and the fields a request is matched on.

use std::fmt;
use std::sync::Arc;

use super::budget::Budget;
use super::credential::Credential;
use super::drift::DriftRecorder;
use super::policy::OperationPolicy;
use super::rate_limit::{RateBudget, RateLimiter};
use super::retry::{RetryPolicy, RetryRule};
use super::route::Route;
use super::security::HeldCredentials;

/// Per-client state the request hook needs.
#[derive(Clone)]
pub struct Inner {
    pub(super) credentials: HeldCredentials,
    pub(super) operations: &'static [OperationPolicy],
    /// Per operation, in the order of `operations`.
    pub(super) routes: Arc<[Route]>,
    pub(super) retry: RetryPolicy,
    pub(super) budget: Arc<Budget>,
    pub(super) matched_fields: Option<Vec<String>>,
    /// Where departures of answers from the spec go; none unless the
    /// builder records drift.
    pub(super) drift: Option<DriftRecorder>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner")
            .field("credentials", &self.credentials)
            .field("operations", &self.operations)
            .field("retry", &self.retry)
            .field("matched_fields", &self.matched_fields)
            .field("rate_budget", &self.budget())
            .field("drift", &self.drift)
            .finish()
    }
}

impl Inner {
    /// The drift recorder, when the client records drift.
    pub fn drift(&self) -> Option<&DriftRecorder> {
        self.drift.as_ref()
    }

    /// The figures of the budget that the client's first credential (or
    /// a request without one) counts against.
    pub fn budget(&self) -> Vec<RateBudget> {
        self.budget.figures(self.credentials.first())
    }

    /// The limiter of the budget `operation_id`'s requests count against:
    /// that of the credentials they send, named on first use.
    pub(super) fn limiter(&self, operation_id: &str) -> Arc<RateLimiter> {
        let route = self.route(operation_id);
        if let Some(limiter) = route.and_then(|route| route.limiter.get()) {
            return limiter.clone();
        }
        let sent = self.sent(route);
        let first = self.credentials.first();
        let limiter = self.budget.limiter(&sent, first);
        if let Some(route) = route
            && self.budget.named_for_good(&sent, first)
        {
            return route.limiter.get_or_init(|| limiter).clone();
        }
        limiter
    }

    /// The credentials a request on `route` sends (none when the client
    /// holds none that fits: such a request is refused before sending).
    pub(super) fn sent(&self, route: Option<&Route>) -> Vec<&Credential> {
        route
            .and_then(|route| route.sent.as_ref().ok())
            .map(|sent| sent.iter().map(|&i| self.credentials.held(i)).collect())
            .unwrap_or_default()
    }

    /// The route of `operation_id`.
    pub(super) fn route(&self, operation_id: &str) -> Option<&Route> {
        let index = self
            .operations
            .iter()
            .position(|operation| operation.operation_id == operation_id)?;
        self.routes.get(index)
    }

    pub(super) fn operation(&self, operation_id: &str) -> Option<&'static OperationPolicy> {
        OperationPolicy::find(self.operations, operation_id)
    }

    /// Whether `operation_id`'s request with this JSON body may be sent
    /// again after it may have been applied (a timeout, a dropped
    /// connection, a 5xx). The retries and the "outcome unknown" error both
    /// ask this.
    pub fn repeat_safe(&self, operation_id: &str, body: Option<&serde_json::Value>) -> bool {
        let rule = self
            .operation(operation_id)
            .map_or(RetryRule::ConnectErrorsOnly, |op| op.retry);
        rule.allows_repeat(body, self.matched_fields.as_deref())
    }

    /// The body fields that must all be present for `operation_id`'s request
    /// to be repeated safely: the builder's `matched_fields`, else the spec's
    /// `all-present` (for an upsert, the fields the server matches on).
    pub fn match_fields(&self, operation_id: &str) -> Vec<String> {
        if let Some(fields) = &self.matched_fields {
            return fields.clone();
        }
        self.operation(operation_id)
            .map_or(&[][..], |op| op.retry.all_present())
            .iter()
            .map(|name| (*name).to_owned())
            .collect()
    }
}
