//! Two collections of the same kind of element, old and new, matched by
//! key: what was added, what was kept, what was removed.

/// One element of the old collection, the new one or both.
pub(super) enum Paired<K, V> {
    Added(K, V),
    /// The old value, then the new one.
    Kept(K, V, V),
    Removed(K, V),
}

/// The elements of `new` in its order, each added or kept, then the
/// elements of `old` that `new` lacks, in `old`'s order: changes inside a
/// kept element are reported where it stands, removals last.
pub(super) fn pair_up<K: PartialEq, V>(
    old: impl IntoIterator<Item = (K, V)>,
    new: impl IntoIterator<Item = (K, V)>,
) -> Vec<Paired<K, V>> {
    let mut unmatched: Vec<(K, V)> = old.into_iter().collect();
    let mut paired: Vec<Paired<K, V>> = new
        .into_iter()
        .map(
            |(key, new_value)| match unmatched.iter().position(|(old_key, _)| *old_key == key) {
                Some(at) => {
                    let (_, old_value) = unmatched.remove(at);
                    Paired::Kept(key, old_value, new_value)
                }
                None => Paired::Added(key, new_value),
            },
        )
        .collect();
    paired.extend(
        unmatched
            .into_iter()
            .map(|(key, old_value)| Paired::Removed(key, old_value)),
    );
    paired
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_order_first_then_removals_in_old_order() {
        let shown: Vec<String> = pair_up([("a", 1), ("b", 2), ("c", 3)], [("d", 4), ("b", 5)])
            .into_iter()
            .map(|pair| match pair {
                Paired::Added(key, new) => format!("+{key}{new}"),
                Paired::Kept(key, old, new) => format!("={key}{old}{new}"),
                Paired::Removed(key, old) => format!("-{key}{old}"),
            })
            .collect();
        assert_eq!(shown, ["+d4", "=b25", "-a1", "-c3"]);
    }
}
