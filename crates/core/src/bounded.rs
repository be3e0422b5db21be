//! A map that holds at most a fixed number of entries, for what the network fills (names learnt
//! from servers, lookups of ids that arrive in messages): past its cap, a new key makes the
//! oldest one go, so a server sending ever new ids costs a bounded amount of memory and the
//! ids seen lately stay known.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

#[derive(Debug)]
pub(crate) struct BoundedMap<K, V> {
    cap: usize,
    entries: HashMap<K, V>,
    /// Keys in the order they were first inserted; the front goes first.
    order: VecDeque<K>,
}

impl<K: Eq + Hash + Clone, V> BoundedMap<K, V> {
    /// A map of at most `cap` entries (at least one).
    pub(crate) fn new(cap: usize) -> Self {
        BoundedMap {
            cap: cap.max(1),
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key)
    }

    /// Sets `key`'s value. A new key past the cap makes the oldest inserted key go; a key
    /// already there keeps its place.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if let Some(slot) = self.entries.get_mut(&key) {
            *slot = value;
            return;
        }
        while self.entries.len() >= self.cap {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.entries.remove(&oldest);
                }
                None => break,
            }
        }
        self.order.push_back(key.clone());
        self.entries.insert(key, value);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_cap_the_oldest_key_goes_and_the_newest_stay() {
        let mut map = BoundedMap::new(3);
        for n in 0..10 {
            map.insert(n.to_string(), n);
        }
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("6"), None);
        for n in 7..10 {
            assert_eq!(map.get(n.to_string().as_str()), Some(&n));
        }
    }

    #[test]
    fn updating_a_key_neither_grows_the_map_nor_moves_the_key() {
        let mut map = BoundedMap::new(2);
        map.insert("a", 1);
        map.insert("b", 2);
        map.insert("a", 3);
        assert_eq!(map.len(), 2);
        assert_eq!(map.get("a"), Some(&3));
        // "a" was inserted first, so it goes first.
        map.insert("c", 4);
        assert_eq!(map.get("a"), None);
        assert_eq!(map.get("b"), Some(&2));
        assert_eq!(map.get("c"), Some(&4));
    }
}
