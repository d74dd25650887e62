//! The tolerant reader: optional fields of what the client receives read a
//! value the spec does not foresee as absent instead of failing the answer.
//!
//! serde cannot resume a deserializer after a field fails, so reading a
//! field tolerantly means buffering it first (as a JSON value), and a copy
//! per level of nesting. An answer that fits the spec needs none of that, so
//! an answer is first decoded [`strictly`], without buffering, and only when
//! that fails decoded again tolerantly. For an answer that decodes both
//! ways, both give the same value.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Visitor};

thread_local! {
    /// Set while [`strictly`] runs on this thread. Decoding is synchronous,
    /// so nothing else runs on the thread in between.
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode` with every tolerant field read strictly: a value that does
/// not fit fails the whole decode instead of reading as absent.
pub(super) fn strictly<R>(decode: impl FnOnce() -> R) -> R {
    /// Resets the mode even if `decode` panics.
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            STRICT.set(self.0);
        }
    }
    let _reset = Reset(STRICT.replace(true));
    decode()
}

/// Whether tolerant fields are read strictly here (see [`strictly`]).
pub(super) fn strict() -> bool {
    STRICT.get()
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
        T::deserialize(deserializer).map(Some)
    }
}
