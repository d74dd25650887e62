use std::fmt;

/// Why a spec could not be turned into a client, and where in it.
///
/// `pointer` is an RFC 6901 JSON pointer into the document (`""` for the
/// whole document), so the message can be pasted into any editor that
/// understands pointers, for JSON and YAML alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub file: String,
    pub pointer: String,
    pub reason: String,
}

impl Error {
    pub(crate) fn new(file: &str, pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error {
            file: file.to_owned(),
            pointer: pointer.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}#{}: {}", self.file, self.pointer, self.reason)
        }
    }
}

impl std::error::Error for Error {}

/// A flaw of the spec whose intent is plain, mended by the generator: where
/// it is, what it is and what was done. Shown as a warning; under
/// `Settings::strict` the flaw is refused instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub file: String,
    pub pointer: String,
    pub flaw: String,
    pub repair: String,
}

impl Repair {
    pub(crate) fn new(
        file: &str,
        pointer: impl Into<String>,
        flaw: impl Into<String>,
        repair: impl Into<String>,
    ) -> Self {
        Repair {
            file: file.to_owned(),
            pointer: pointer.into(),
            flaw: flaw.into(),
            repair: repair.into(),
        }
    }

    /// The flaw as an error, for strict mode.
    pub fn refused(&self) -> Error {
        Error::new(&self.file, self.pointer.clone(), self.flaw.clone())
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.refused(), self.repair)
    }
}
