//! Which rate budget a client's requests count against, and the limiter
//! that keeps it.
//!
//! A budget is the server and the credential's identity, for every
//! operation: the API counts a token's requests together, whichever
//! operation they call. The identity is the same in every process and never
//! a secret (see [`Credential::identity`]), so processes that share a store
//! share the budget; [`ClientBuilder::rate_budget_key`] names it outright.
//!
//! [`ClientBuilder::rate_budget_key`]: super::ClientBuilder::rate_budget_key

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::credentials::Credential;
use super::rate_limit::{RateBudget, RateLimiter, RateStore, RateWindow};

/// A client's budget: how to name it, and its limiter once named.
#[derive(Debug)]
pub(super) struct Budget {
    /// The base URL, normalised, without a trailing `/`.
    server: String,
    /// The caller's own name for the budget, instead of the credential's.
    explicit: Option<String>,
    windows: &'static [RateWindow],
    limits: Option<Vec<(u64, Duration)>>,
    store: RateStore,
    limiter: OnceLock<Arc<RateLimiter>>,
}

impl Budget {
    /// A fixed token, an explicit key or no credential names the budget at
    /// once. OAuth names it at the first admission, after the token
    /// response has said which resource (location, company) the token is
    /// for; no request is sent before that.
    pub(super) fn new(
        server: String,
        explicit: Option<String>,
        windows: &'static [RateWindow],
        limits: Option<Vec<(u64, Duration)>>,
        store: RateStore,
        credential: Option<&Credential>,
    ) -> Self {
        let budget = Budget {
            server,
            explicit,
            windows,
            limits,
            store,
            limiter: OnceLock::new(),
        };
        if budget.explicit.is_some() || credential.is_none_or(|c| !c.identity_from_answers()) {
            budget.limiter(credential);
        }
        budget
    }

    /// `<server> <identity>`: what the limiter and the store's keys are
    /// named by.
    fn key(&self, credential: Option<&Credential>) -> String {
        let identity = match (&self.explicit, credential) {
            (Some(key), _) => format!("key:{key}"),
            (None, Some(credential)) => credential.identity(),
            (None, None) => "anonymous".to_owned(),
        };
        format!("{} {identity}", self.server)
    }

    /// The limiter, named on first use.
    pub(super) fn limiter(&self, credential: Option<&Credential>) -> &RateLimiter {
        self.limiter.get_or_init(|| {
            RateLimiter::shared(
                &self.key(credential),
                self.windows,
                self.limits.as_deref(),
                &self.store,
            )
        })
    }

    /// Each window's figures; before the budget is named (OAuth before its
    /// first token), the configured windows with nothing counted.
    pub(super) fn figures(&self) -> Vec<RateBudget> {
        match self.limiter.get() {
            Some(limiter) => limiter.budget(),
            None => RateLimiter::unused_budget(self.windows, self.limits.as_deref()),
        }
    }
}
