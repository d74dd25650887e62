//! The semver level a report calls for, and the version it leads to.

use serde::Serialize;

use super::rules::Class;

/// The semantic level of a change. The version bump applies it with
/// Cargo's rule for `0.y.z` crates (see [`bump`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    /// The generated crate is the same, up to the order of its items.
    None,
    /// Only the generated text changed (documentation), not the API.
    Patch,
    /// Something was added and nothing breaks.
    Minor,
    /// Existing callers break: their code stops compiling, or a request
    /// that worked is now refused.
    Major,
}

impl Semver {
    /// The level for a set of classified changes: the Rust API diff says
    /// what stops compiling, the spec diff what compiles but now fails on
    /// the wire (such as a field that became required but stays
    /// `Option<T>`), so the larger of both wins.
    pub fn of(classes: impl IntoIterator<Item = Class>, generated_text_differs: bool) -> Semver {
        let level = classes
            .into_iter()
            .map(|class| match class {
                Class::Breaking => Semver::Major,
                Class::NonBreaking => Semver::Minor,
            })
            .max();
        match level {
            Some(level) => level,
            None if generated_text_differs => Semver::Patch,
            None => Semver::None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Semver::None => "none",
            Semver::Patch => "patch",
            Semver::Minor => "minor",
            Semver::Major => "major",
        }
    }
}

/// The version after a change of `level`. Cargo treats the first non-zero
/// component as the breaking one, so a `0.y.z` crate takes a major change
/// in its minor component and a minor change in its patch component.
pub fn bump(version: &str, level: Semver) -> Result<String, String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("version `{version}` is not MAJOR.MINOR.PATCH"))?;
    let [major, minor, patch] = parts[..] else {
        return Err(format!("version `{version}` is not MAJOR.MINOR.PATCH"));
    };
    let level = match (major, level) {
        (0, Semver::Major) => Semver::Minor,
        (0, Semver::Minor) => Semver::Patch,
        _ => level,
    };
    Ok(match level {
        Semver::None => version.to_owned(),
        Semver::Patch => format!("{major}.{minor}.{}", patch + 1),
        Semver::Minor => format!("{major}.{}.0", minor + 1),
        Semver::Major => format!("{}.0.0", major + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_x_crates_take_breaking_changes_in_the_minor_component() {
        assert_eq!(bump("0.1.0", Semver::Major).unwrap(), "0.2.0");
        assert_eq!(bump("0.1.3", Semver::Minor).unwrap(), "0.1.4");
        assert_eq!(bump("0.1.3", Semver::Patch).unwrap(), "0.1.4");
        assert_eq!(bump("0.1.3", Semver::None).unwrap(), "0.1.3");
        assert_eq!(bump("1.2.3", Semver::Major).unwrap(), "2.0.0");
        assert_eq!(bump("1.2.3", Semver::Minor).unwrap(), "1.3.0");
        assert_eq!(bump("1.2.3", Semver::Patch).unwrap(), "1.2.4");
        assert!(bump("1.2", Semver::Patch).is_err());
        assert!(bump("1.2.3-beta", Semver::Patch).is_err());
    }

    #[test]
    fn the_largest_class_decides() {
        use Class::*;
        assert_eq!(Semver::of([NonBreaking, Breaking], false), Semver::Major);
        assert_eq!(Semver::of([NonBreaking], true), Semver::Minor);
        assert_eq!(Semver::of([], true), Semver::Patch);
        assert_eq!(Semver::of([], false), Semver::None);
    }
}
