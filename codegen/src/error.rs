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

    /// An error in the spec being generated: stages know the pointer, and
    /// the generator names the file once, where errors leave it
    /// ([`Error::in_file`]).
    pub(crate) fn at(pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::new("", pointer, reason)
    }

    /// Names `file` as the document of an error that names none yet; an
    /// error in a document the spec refers to keeps that document's name.
    pub(crate) fn in_file(mut self, file: &str) -> Self {
        if self.file.is_empty() {
            self.file = file.to_owned();
        }
        self
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
    /// A repair in the spec being generated; the generator names the file
    /// ([`Repair::in_file`]).
    pub(crate) fn at(
        pointer: impl Into<String>,
        flaw: impl Into<String>,
        repair: impl Into<String>,
    ) -> Self {
        Repair {
            file: String::new(),
            pointer: pointer.into(),
            flaw: flaw.into(),
            repair: repair.into(),
        }
    }

    pub(crate) fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_owned();
        self
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
