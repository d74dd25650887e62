//! The tolerant reader: optional fields of what the client receives read a
//! value the spec does not foresee as absent instead of failing the answer.
//!
//! serde cannot resume a deserializer after a field fails, so reading a
//! field tolerantly means buffering it first (as a JSON value), and a copy
//! per level of nesting. An answer that fits the spec needs none of that, so
//! an answer is first decoded [`strictly`], without buffering, and only when
//! a tolerant field does not fit decoded again tolerantly. Where the strict
//! decode stands, every tolerant field read its value as the tolerant reader
//! would, so both give the same value.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Visitor};

/// How tolerant fields are read on this thread.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Tolerant,
    Strict,
    /// Strict, and a field did not fit: the decode is void, whatever it
    /// returns, since serde may have caught the error (an untagged enum
    /// tries its next variant) where the tolerant reader reads absent.
    StrictFailed,
}

thread_local! {
    /// Decoding is synchronous, so nothing else runs on the thread while
    /// [`strictly`] sets this.
    static MODE: Cell<Mode> = const { Cell::new(Mode::Tolerant) };
}

/// Runs `decode` with every tolerant field read strictly: its outcome, or
/// an error when a field needed the tolerant reader.
pub(super) fn strictly<T>(
    decode: impl FnOnce() -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    /// Restores the mode even if `decode` panics.
    struct Restore(Mode);
    impl Drop for Restore {
        fn drop(&mut self) {
            MODE.set(self.0);
        }
    }
    let _restore = Restore(MODE.replace(Mode::Strict));
    let decoded = decode();
    if MODE.get() != Mode::Strict && decoded.is_ok() {
        return Err(serde::de::Error::custom(
            "a field needs the tolerant reader",
        ));
    }
    decoded
}

/// Whether tolerant fields are read strictly here (see [`strictly`]).
pub(super) fn strict() -> bool {
    MODE.get() != Mode::Tolerant
}

/// A tolerant field did not fit while reading strictly: `error` goes on,
/// and the decode is void.
pub(super) fn unfit<E>(error: E) -> E {
    MODE.set(Mode::StrictFailed);
    error
}

/// `deserialize_with` for the optional fields of what the client receives:
/// `null`, and a value of a shape the spec does not foresee (a date that is
/// not RFC 3339, a list where text was expected, a number as text), read as
/// absent instead of failing the whole answer. The value stays in the
/// answer's raw JSON (`Response::raw_json`).
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    if strict() {
        return deserializer.deserialize_option(Strict(PhantomData));
    }
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}

/// [`lenient`] for fields that are empty rather than absent (lists and maps).
pub fn lenient_or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    Ok(lenient(deserializer)?.unwrap_or_default())
}

/// [`lenient`] without the buffer: what it gives for `null`, and the value
/// itself or an error for anything else.
struct Strict<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for Strict<T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a value or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(T::deserialize(serde_json::Value::Null).ok())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        T::deserialize(deserializer).map(Some).map_err(unfit)
    }
}
