//! One schema used at several places of an operation (`Contact` in two
//! response fields, a channel setting under six channels) changes at all of
//! them; the report names the first place and counts the others.

use super::operation_walk::Finding;

/// `findings` of one operation, each with how many more times the same
/// change (the same kind, at the same pointer of the same document) was
/// found after it; the first finding keeps its place and its words.
pub(super) fn merge(findings: Vec<Finding>) -> Vec<(Finding, usize)> {
    let mut merged: Vec<(Finding, usize)> = Vec::new();
    for finding in findings {
        let repeat = merged.iter_mut().find(|(first, _)| {
            first.pointer == finding.pointer
                && first.side == finding.side
                && first.kind == finding.kind
        });
        match repeat {
            Some((_, count)) => *count += 1,
            None => merged.push((finding, 0)),
        }
    }
    merged
}
