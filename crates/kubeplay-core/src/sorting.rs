//! Stable sorting with one copy of the sort algorithm in the whole program.
//!
//! `slice::sort_by` is generic over the element type *and* the comparator, so every
//! call site compiles its own copy of the standard library's driftsort (about 4 KB of
//! wasm each). With some seventy call sites that was about 280 KB of the page's wasm,
//! roughly a tenth of its code. Here the standard sort runs once, on a slice of
//! indices with a comparator behind `&mut dyn FnMut`, and the elements are then moved
//! into that order: each call site costs a small closure and the permutation loop.
//!
//! The results are exactly those of `slice::sort_by`: the index sort is stable, so
//! elements comparing equal keep their order. Use these functions instead of the
//! slice methods (clippy's `disallowed-methods` in `clippy.toml` says so).
//!
//! Collecting into a `BTreeMap`/`BTreeSet` sorts too (`FromIterator` sorts the items,
//! then builds the tree), with a copy of the sort per item type: [`btree_map`] and
//! [`btree_set`] insert one by one instead.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably with the comparator `cmp` (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        sort_indices(&mut order, &mut |a, b| cmp(&items[a], &items[b]));
    }
    permute(v, &mut order);
}

/// Sorts `v` stably by the key `key` extracts (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably in ascending order (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one instantiation of the standard library's stable sort.
#[inline(never)]
#[allow(clippy::disallowed_methods)]
fn sort_indices(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Moves the elements so that position `i` holds what was at `order[i]`, following
/// each cycle of the permutation with swaps (`order` is used up as the visited marks).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != usize::MAX {
            let from = order[at];
            order[at] = usize::MAX;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// The pairs as a map, inserted in turn (as `collect()`: a later duplicate key's value
/// wins), without instantiating the sort.
pub fn btree_map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// The items as a set, inserted in turn, without instantiating the sort.
pub fn btree_set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no RNG crate.
    fn numbers(n: usize, seed: u64) -> Vec<(u32, usize)> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (((x >> 33) % 17) as u32, i)
            })
            .collect()
    }

    #[test]
    fn btree_map_and_set_hold_what_collect_holds() {
        let pairs = vec![(2, "a"), (1, "b"), (2, "c"), (0, "d")];
        assert_eq!(btree_map(pairs.clone()), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(btree_set([3, 1, 3, 2]), [3, 1, 3, 2].into_iter().collect::<BTreeSet<_>>());
    }

    #[test]
    #[allow(clippy::disallowed_methods)]
    fn same_order_as_the_standard_stable_sort() {
        for n in [0, 1, 2, 3, 7, 20, 33, 100, 1000] {
            for seed in 0..5 {
                let mut ours = numbers(n, seed);
                let mut std = ours.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                std.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(ours, std, "n={n} seed={seed}");
            }
        }
    }

    #[test]
    fn keys_descending_and_plain() {
        let mut v = vec!["pear".to_string(), "fig".into(), "apple".into(), "kiwi".into()];
        sort_by_key(&mut v, |s| std::cmp::Reverse(s.len()));
        assert_eq!(v, ["apple", "pear", "kiwi", "fig"]);
        sort(&mut v);
        assert_eq!(v, ["apple", "fig", "kiwi", "pear"]);
    }

    #[test]
    fn elements_without_clone_are_moved_not_copied() {
        struct Token(u8);
        let mut v: Vec<Token> = [3, 1, 2, 0].into_iter().map(Token).collect();
        sort_by_key(&mut v, |t| t.0);
        assert_eq!(v.iter().map(|t| t.0).collect::<Vec<_>>(), [0, 1, 2, 3]);
    }
}
