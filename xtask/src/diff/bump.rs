//! The semver level a report calls for, and the version it leads to.

use anyhow::Context;
use serde::Serialize;

use super::rules::Class;

/// The semantic level of a change. The version bump applies it with
/// Cargo's rule for `0.y.z` crates (see [`next_version`]).
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

/// The generated crate's version before the edit and after the bump the
/// report calls for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionBump {
    pub current: String,
    pub next: String,
}

/// The version after a change of `level`. Cargo treats the first non-zero
/// component as the breaking one, so a `0.y.z` crate takes a major change
/// in its minor component and a minor change in its patch component.
///
/// A pre-release (`1.0.0-rc.1`) leads up to its release (`1.0.0`): a change
/// of a level that release already makes releases it; a larger one bumps
/// from it.
pub fn next_version(current: &str, level: Semver) -> anyhow::Result<String> {
    let version = semver::Version::parse(current)
        .with_context(|| format!("version `{current}` is not a semantic version"))?;
    let level = match (version.major, level) {
        (0, Semver::Major) => Semver::Minor,
        (0, Semver::Minor) => Semver::Patch,
        _ => level,
    };
    let (major, minor, patch) = (version.major, version.minor, version.patch);
    let next = match level {
        Semver::None => return Ok(current.to_owned()),
        _ if level <= released_by(&version) => semver::Version::new(major, minor, patch),
        Semver::Patch => semver::Version::new(major, minor, patch + 1),
        Semver::Minor => semver::Version::new(major, minor + 1, 0),
        Semver::Major => semver::Version::new(major + 1, 0, 0),
    };
    Ok(next.to_string())
}

/// The level of the change that releasing `version`'s pre-release makes:
/// `2.0.0-rc.1` leads up to a major release, `1.3.0-rc.1` to a minor one;
/// `None` for a release.
fn released_by(version: &semver::Version) -> Semver {
    match version {
        _ if version.pre.is_empty() => Semver::None,
        semver::Version {
            minor: 0, patch: 0, ..
        } => Semver::Major,
        semver::Version { patch: 0, .. } => Semver::Minor,
        _ => Semver::Patch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(current: &str, level: Semver) -> String {
        next_version(current, level).unwrap()
    }

    #[test]
    fn zero_x_crates_take_breaking_changes_in_the_minor_component() {
        assert_eq!(next("0.1.0", Semver::Major), "0.2.0");
        assert_eq!(next("0.1.3", Semver::Minor), "0.1.4");
        assert_eq!(next("0.1.3", Semver::Patch), "0.1.4");
        assert_eq!(next("0.1.3", Semver::None), "0.1.3");
        assert_eq!(next("1.2.3", Semver::Major), "2.0.0");
        assert_eq!(next("1.2.3", Semver::Minor), "1.3.0");
        assert_eq!(next("1.2.3", Semver::Patch), "1.2.4");
        assert!(next_version("1.2", Semver::Patch).is_err());
        assert!(next_version("1.2.x", Semver::Patch).is_err());
    }

    #[test]
    fn a_pre_release_is_released_by_a_change_its_release_makes() {
        assert_eq!(next("1.0.0-rc.1", Semver::Major), "1.0.0");
        assert_eq!(next("1.0.0-rc.1", Semver::Patch), "1.0.0");
        assert_eq!(next("1.0.0-rc.1", Semver::None), "1.0.0-rc.1");
        assert_eq!(next("1.3.0-beta.2", Semver::Minor), "1.3.0");
        assert_eq!(next("1.3.0-beta.2", Semver::Major), "2.0.0");
        assert_eq!(next("1.2.4-rc.1", Semver::Patch), "1.2.4");
        assert_eq!(next("1.2.4-rc.1", Semver::Minor), "1.3.0");
        // 0.x: a major change takes the minor component, which `0.3.0`
        // already bumps.
        assert_eq!(next("0.3.0-rc.1", Semver::Major), "0.3.0");
        assert_eq!(next("0.3.1-rc.1", Semver::Major), "0.4.0");
        assert_eq!(next("0.3.1-rc.1", Semver::Minor), "0.3.1");
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
