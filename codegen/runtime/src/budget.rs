//! Which rate budget a client's requests count against, and the limiters
//! that keep them.
//!
//! A request counts against the budget of the server and the credentials it
//! sends, for every operation: an API counts a key's requests together,
//! whichever operation they call and whatever other credentials the client
//! holds. A request that sends none (an operation without requirements)
//! counts against the client's first credential's budget (by scheme name),
//! so a client with one credential keeps one budget. The identities are the
//! same in every process and never a secret (see [`Credential::identity`]),
//! so processes that share a store share the budget;
//! [`ClientBuilder::rate_budget_key`] names one budget for every request
//! outright.
//!
//! [`ClientBuilder::rate_budget_key`]: super::ClientBuilder::rate_budget_key

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::credential::Credential;
use super::rate_limit::{RateBudget, RateLimiter, RateStore, RateWindow};

/// A client's budgets: how to name them, and their limiters once named.
#[derive(Debug)]
pub(super) struct Budget {
    /// The base URL, normalised, without a trailing `/`.
    server: String,
    /// The caller's own name for the budget, instead of the credentials',
    /// as an identity (`key:<name>`).
    explicit: Option<String>,
    windows: &'static [RateWindow],
    limits: Option<Vec<(u64, Duration)>>,
    store: RateStore,
    /// The limiters named so far, by identity. Holding them keeps them
    /// alive: `RateLimiter::shared` keeps only weak references.
    limiters: Mutex<Vec<(String, Arc<RateLimiter>)>>,
}

impl Budget {
    /// A fixed token, an explicit key or no credential names the budget of
    /// `first` (the client's first credential) at once. OAuth names it at
    /// the first admission, after the token response has said which
    /// resource (location, company) the token is for; no request is sent
    /// before that.
    pub(super) fn new(
        server: String,
        explicit: Option<String>,
        windows: &'static [RateWindow],
        limits: Option<Vec<(u64, Duration)>>,
        store: RateStore,
        first: Option<&Credential>,
    ) -> Self {
        let budget = Budget {
            server,
            explicit: explicit.map(|key| format!("key:{key}")),
            windows,
            limits,
            store,
            limiters: Mutex::default(),
        };
        if budget.explicit.is_some() || first.is_none_or(|c| !c.identity_from_answers()) {
            budget.limiter(&[], first);
        }
        budget
    }

    /// What a request that sends `sent` counts against: the explicit key,
    /// else the identities of `sent` (joined by `+` when an alternative
    /// needs several), else `first`'s.
    /// Asked on every request: a fixed token's identity is borrowed.
    fn identity<'c>(
        &'c self,
        sent: &[&'c Credential],
        first: Option<&'c Credential>,
    ) -> Cow<'c, str> {
        if let Some(identity) = &self.explicit {
            return Cow::Borrowed(identity);
        }
        match (sent, first) {
            ([], Some(first)) => first.identity(),
            ([], None) => Cow::Borrowed("anonymous"),
            ([only], _) => only.identity(),
            (sent, _) => {
                let identities: Vec<Cow<'_, str>> = sent.iter().map(|c| c.identity()).collect();
                Cow::Owned(identities.join("+"))
            }
        }
    }

    /// Whether the budget of a request that sends `sent` keeps its name: an
    /// explicit key, or credentials whose identity no token response
    /// changes.
    pub(super) fn named_for_good(&self, sent: &[&Credential], first: Option<&Credential>) -> bool {
        let fixed = |credential: &&Credential| !credential.identity_from_answers();
        self.explicit.is_some()
            || match sent {
                [] => first.is_none_or(|first| fixed(&first)),
                sent => sent.iter().all(fixed),
            }
    }

    /// The limiter of the budget a request that sends `sent` counts
    /// against, named on first use as `<server> <identity>`.
    pub(super) fn limiter(
        &self,
        sent: &[&Credential],
        first: Option<&Credential>,
    ) -> Arc<RateLimiter> {
        let identity = self.identity(sent, first);
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, limiter)) = limiters.iter().find(|(named, _)| **named == *identity) {
            return limiter.clone();
        }
        let limiter = RateLimiter::shared(
            &format!("{} {identity}", self.server),
            self.windows,
            self.limits.as_deref(),
            &self.store,
        );
        limiters.push((identity.into_owned(), limiter.clone()));
        limiter
    }

    /// Each window's figures for the budget of requests that send `first`
    /// (or nothing); before it is named (OAuth before its first token), the
    /// configured windows with nothing counted.
    pub(super) fn figures(&self, first: Option<&Credential>) -> Vec<RateBudget> {
        let identity = self.identity(&[], first);
        let limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        match limiters.iter().find(|(named, _)| **named == *identity) {
            Some((_, limiter)) => limiter.budget(),
            None => RateLimiter::unused_budget(self.windows, self.limits.as_deref()),
        }
    }
}
