//! String interning: dense `u32` indices for repeated ids and names.

use rustc_hash::FxHashMap;

/// Maps strings to dense indices `0..len` in order of first appearance.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    map: FxHashMap<Box<str>, u32>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.map.get(s) {
            return i;
        }
        let i = self.map.len() as u32;
        self.map.insert(s.into(), i);
        i
    }

    /// The strings, indexed by their index.
    pub(crate) fn finish(self) -> Vec<Box<str>> {
        let mut out: Vec<Box<str>> = vec![Box::from(""); self.map.len()];
        for (s, i) in self.map {
            out[i as usize] = s;
        }
        out
    }
}
