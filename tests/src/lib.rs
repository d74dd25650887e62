//! Tests of the generator and of the generated client; see `tests/`.
