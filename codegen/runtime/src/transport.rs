//! What went wrong on the way to the server, in words, for
//! `Error::Transport`'s text.

/// What went wrong on the way, in words: from the error's kind and the
/// chain of its sources (which name no token and no body).
pub(super) fn transport_cause(error: &reqwest::Error) -> &'static str {
    use std::error::Error as _;
    use std::io::ErrorKind;
    let mut chain = String::new();
    let mut io_kind = None;
    let mut invalid_data = false;
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(&cause.to_string().to_ascii_lowercase());
        chain.push('\n');
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
            invalid_data |= io.kind() == ErrorKind::InvalidData;
            // The TLS library's error sits inside the I/O error, not as its source.
            if let Some(inner) = io.get_ref() {
                chain.push_str(&inner.to_string().to_ascii_lowercase());
                chain.push('\n');
                invalid_data |= inner
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|inner| inner.kind() == ErrorKind::InvalidData);
            }
        }
        source = cause.source();
    }
    let https = error.url().is_some_and(|url| url.scheme() == "https");
    if error.is_timeout() || io_kind == Some(ErrorKind::TimedOut) {
        "the request timed out"
    } else if chain.contains("dns error") || chain.contains("failed to lookup") {
        "the host name could not be resolved (DNS)"
    } else if io_kind == Some(ErrorKind::ConnectionRefused) {
        "the connection was refused"
    } else if error.is_connect()
        && https
        && (invalid_data
            || ["tls", "certificate", "handshake", "corrupt message"]
                .iter()
                .any(|word| chain.contains(word)))
    {
        "the TLS handshake failed"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body()
        || error.is_decode()
        || chain.contains("connection closed")
        || chain.contains("incomplete")
        || matches!(
            io_kind,
            Some(ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof | ErrorKind::BrokenPipe)
        )
    {
        "the connection dropped before the answer was complete"
    } else {
        "the request could not be completed"
    }
}
