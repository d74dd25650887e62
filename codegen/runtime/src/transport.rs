//! Transport errors as `Error::Transport` keeps them: without the query of
//! their URL (where an API key may travel), and what went wrong on the way
//! to the server, in words, for its text: read from the error's kind and
//! the types in the chain of its sources (which name no token and no body).

use std::error::Error as StdError;
use std::io::ErrorKind;

/// `error` without its URL's query, fragment and user information:
/// `reqwest::Error`'s `Display` and `Debug` print the URL, and a query key
/// must never show. The scheme, host and path stay, for the text below.
pub(super) fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
        // Only fails for URLs that cannot have user information.
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    error
}

/// The words after `no answer from HOST: `.
pub(super) fn transport_cause(error: &reqwest::Error) -> &'static str {
    let io_kinds: Vec<ErrorKind> = causes(error)
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind)
        .collect();
    let any_io = |kinds: &[ErrorKind]| io_kinds.iter().any(|kind| kinds.contains(kind));
    let https = error.url().is_some_and(|url| url.scheme() == "https");
    if error.is_timeout() || any_io(&[ErrorKind::TimedOut]) {
        "the request timed out"
    } else if error.is_connect() && any_io(&[ErrorKind::ConnectionRefused]) {
        "the connection was refused"
    } else if error.is_connect() && names_failed_lookup(error) {
        "the host name could not be resolved (DNS)"
    } else if error.is_connect()
        && https
        && any_io(&[ErrorKind::InvalidData, ErrorKind::UnexpectedEof])
    {
        // The TLS library reports what it cannot accept (a record that is
        // not TLS, a certificate) as invalid data, and a peer that hangs up
        // mid-handshake as an unexpected end.
        "the TLS handshake failed"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body()
        || error.is_decode()
        || any_io(&[
            ErrorKind::ConnectionReset,
            ErrorKind::ConnectionAborted,
            ErrorKind::UnexpectedEof,
            ErrorKind::BrokenPipe,
        ])
        || names_incomplete_message(error)
    {
        "the connection dropped before the answer was complete"
    } else {
        "the request could not be completed"
    }
}

/// Every error under `error`. `io::Error::source` skips the error an I/O
/// error wraps (such as the TLS library's), so the walk steps into it.
fn causes(error: &reqwest::Error) -> impl Iterator<Item = &(dyn StdError + 'static)> {
    std::iter::successors(error.source(), |&cause| {
        match cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => cause.source(),
        }
    })
}

/// A failed name lookup has no type to recognise: hyper-util and reqwest
/// wrap it in types they do not export (hyper-util's connect error, whose
/// text is its label `dns error`), and the resolver's I/O error is of no
/// stable kind. So text is the last resort here, and only that exact label
/// is read.
fn names_failed_lookup(error: &reqwest::Error) -> bool {
    causes(error).any(|cause| cause.to_string() == "dns error")
}

/// A server that hangs up before the head of its answer is complete is
/// hyper's `IncompleteMessage`, which `hyper::Error::is_incomplete_message`
/// tells; reqwest does not pass that on, and depending on hyper here would
/// add it to every generated crate. So this one message of hyper's is
/// read, exactly.
fn names_incomplete_message(error: &reqwest::Error) -> bool {
    causes(error).any(|cause| cause.to_string() == "connection closed before message completed")
}
