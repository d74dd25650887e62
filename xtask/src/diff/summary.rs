//! The few facts a reader needs first: what breaks on the wire, what
//! changes on every operation, and how many changes of each kind there are.

use serde::Serialize;

use super::groups::Group;
use super::renames::Renames;
use super::rules::Class;
use super::rust_api::ApiChange;

/// What the report leads with; the groups it names are indices into
/// `Report::groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// How many operations the new document has.
    pub operations: usize,
    /// The groups that reach every operation, such as a constant header
    /// that carries the API version.
    pub every_operation: Vec<usize>,
    /// The groups that break callers on the wire.
    pub wire_breaking: Vec<usize>,
    /// Rows by kind of element, spec and Rust API.
    pub counts: Vec<Count>,
}

/// How many rows of one kind the report has, by class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub element: &'static str,
    pub breaking: usize,
    pub non_breaking: usize,
}

impl Count {
    pub fn total(&self) -> usize {
        self.breaking + self.non_breaking
    }
}

pub fn summarize(
    groups: &[Group],
    renames: &Renames,
    rust_api: &[ApiChange],
    operations: usize,
) -> Summary {
    let indices = |keep: &dyn Fn(&Group) -> bool| -> Vec<usize> {
        groups
            .iter()
            .enumerate()
            .filter(|(_, group)| keep(group))
            .map(|(index, _)| index)
            .collect()
    };
    let mut counts: Vec<Count> = Vec::new();
    let mut count = |element: &'static str, class: Class| {
        let at = match counts.iter().position(|c| c.element == element) {
            Some(at) => at,
            None => {
                counts.push(Count {
                    element,
                    breaking: 0,
                    non_breaking: 0,
                });
                counts.len() - 1
            }
        };
        match class {
            Class::Breaking => counts[at].breaking += 1,
            Class::NonBreaking => counts[at].non_breaking += 1,
        }
    };
    for _ in &renames.schemas {
        count("renamed schemas", Class::Breaking);
    }
    for _ in &renames.operations {
        count("moved operations", Class::Breaking);
    }
    for group in groups {
        count(group.element, group.class);
    }
    for change in rust_api {
        count("Rust API items", change.class);
    }
    Summary {
        operations,
        every_operation: indices(&|group| group.on_every_operation(operations)),
        wire_breaking: indices(&|group| group.wire_breaking),
        counts,
    }
}
