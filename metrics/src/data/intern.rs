//! String interning: dense `u32` indices for repeated ids and names.
//!
//! Interning customer ids is the hot spot of order ingestion: when customers
//! arrive in random order, every lookup is a cache miss. Three things keep it
//! cheap:
//!
//! * **Numeric ids** (canonical decimals up to 9 digits, no leading zero, the
//!   usual shape of customer ids) index a direct table of `u32`s: 4 bytes per
//!   possible id instead of a hashed slot, so a million customers take 4 MB,
//!   which stays in the last-level cache. The table only grows while it
//!   stays within a few entries per distinct key (or 4 MB); larger numbers
//!   go to the hash table, and are copied into the direct table once it
//!   covers them.
//! * **Other keys** go to an open-addressing table whose 32-byte slot holds a
//!   32-bit hash, the index, the key's place in one shared text arena and its
//!   first 16 bytes, so a lookup of a short key costs one cache line.
//! * **Batches** ([`Interner::intern_batch`]): hashes of a whole batch are
//!   computed first, then each lookup prefetches the entry of a key a few
//!   places ahead, so the cache misses overlap instead of queueing.
//!
//! Which table holds a key depends only on the key and on what the tables
//! already hold, so the same key always gets the same index, whatever the
//! order of calls.

use super::error::DataError;
use super::prefetch::prefetch;

/// Keys up to this long are compared inside the slot, without touching the arena.
const INLINE: usize = 16;

/// Empty entry of the direct table.
const NONE: u32 = u32::MAX;

/// How far ahead a batch prefetches.
const AHEAD: usize = 12;

#[derive(Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    /// Hash with the low bit forced to 1; 0 marks an empty slot.
    hash: u32,
    idx: u32,
    start: u32,
    len: u32,
    /// The key's first bytes, zero-padded.
    head: [u8; INLINE],
}

fn head(key: &[u8]) -> [u8; INLINE] {
    let mut h = [0u8; INLINE];
    let n = key.len().min(INLINE);
    h[..n].copy_from_slice(&key[..n]);
    h
}

/// Maps strings to dense indices `0..len` in order of first appearance.
pub(crate) struct Interner {
    slots: Vec<Slot>,
    /// Keys in the hash table (numeric keys may live in `direct` only).
    hashed: usize,
    /// `direct[v]`: index of the canonical decimal key `v`, or [`NONE`].
    direct: Vec<u32>,
    text: Vec<u8>,
    /// `(start, len)` of each index in `text`.
    spans: Vec<(u32, u32)>,
    last: Option<u32>,
    /// The smallest numeric key stored in the hash table ([`NONE`] if
    /// none): a smaller one missing from the direct table is new.
    min_hashed_numeric: u32,
    /// Per-batch scratch: the numeric value or hash of each key.
    keys: Vec<Key>,
}

/// A key's route: its numeric value, or its hash.
#[derive(Clone, Copy)]
enum Key {
    Numeric(u32),
    Hashed(u64),
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            slots: Vec::new(),
            hashed: 0,
            direct: Vec::new(),
            text: Vec::new(),
            spans: Vec::new(),
            last: None,
            min_hashed_numeric: NONE,
            keys: Vec::new(),
        }
    }
}

fn hash(key: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    // Murmur3's finaliser spreads the bits over the whole word.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The value of a canonical decimal (1 to 9 digits, no leading zero unless
/// it is `0`): only those take the direct table, so `"007"` and `"7"` stay
/// different keys.
#[inline]
fn numeric(key: &[u8]) -> Option<u32> {
    if key.is_empty() || key.len() > 9 || (key[0] == b'0' && key.len() > 1) {
        return None;
    }
    let mut v = 0u32;
    for &b in key {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    Some(v)
}

fn route(key: &[u8]) -> Key {
    match numeric(key) {
        Some(v) => Key::Numeric(v),
        None => Key::Hashed(hash(key)),
    }
}

fn too_big() -> DataError {
    DataError::Columns("distinct ids exceed 4 GiB of text".into())
}

impl Interner {
    fn bytes(&self, idx: u32) -> &[u8] {
        let (s, l) = self.spans[idx as usize];
        &self.text[s as usize..(s + l) as usize]
    }

    /// The index of `key`, adding it if new. Fails only past 4 GiB of distinct text.
    pub(crate) fn intern(&mut self, key: &str) -> Result<u32, DataError> {
        let key = key.as_bytes();
        if let Some(i) = self.last {
            if self.bytes(i) == key {
                return Ok(i);
            }
        }
        let i = self.lookup(key, route(key))?;
        self.last = Some(i);
        Ok(i)
    }

    /// Interns the keys `text[s..s + l]` for each `(s, l)` of `spans` and
    /// appends their indices to `out`. Each key must be UTF-8, as
    /// [`Interner::intern`] takes (the caller validated it).
    pub(crate) fn intern_batch(
        &mut self,
        text: &[u8],
        spans: &[(u32, u32)],
        out: &mut Vec<u32>,
    ) -> Result<(), DataError> {
        let key = |i: usize| {
            let (s, l) = spans[i];
            &text[s as usize..(s + l) as usize]
        };
        let mut keys = std::mem::take(&mut self.keys);
        keys.clear();
        keys.extend((0..spans.len()).map(|i| route(key(i))));
        out.reserve(spans.len());
        for i in 0..spans.len() {
            if let Some(&k) = keys.get(i + AHEAD) {
                self.prefetch(k);
            }
            let idx = self.lookup(key(i), keys[i])?;
            out.push(idx);
        }
        self.keys = keys;
        Ok(())
    }

    fn prefetch(&self, k: Key) {
        match k {
            Key::Numeric(v) => {
                if let Some(e) = self.direct.get(v as usize) {
                    prefetch(e);
                }
            }
            Key::Hashed(h) => {
                if !self.slots.is_empty() {
                    prefetch(&self.slots[h as usize & (self.slots.len() - 1)]);
                }
            }
        }
    }

    #[inline]
    fn lookup(&mut self, key: &[u8], k: Key) -> Result<u32, DataError> {
        match k {
            Key::Numeric(v) => {
                let v = v as usize;
                if let Some(&i) = self.direct.get(v) {
                    if i != NONE {
                        return Ok(i);
                    }
                }
                self.numeric_miss(key, v)
            }
            Key::Hashed(h) => self.hashed(key, h, true),
        }
    }

    /// A numeric key not (yet) in the direct table.
    #[cold]
    fn numeric_miss(&mut self, key: &[u8], v: usize) -> Result<u32, DataError> {
        // Up to 4 entries per distinct key, so that the direct table never
        // costs much more than the hash table it replaces, or up to 2^20
        // entries (4 MB) whatever the count: random ids reach the top of
        // their range long before most of them have been seen.
        let limit = 4 * self.spans.len() + (1 << 20);
        if v >= self.direct.len() && v < limit {
            let len = (v + 1).next_power_of_two().max(1 << 10);
            self.direct.resize(len, NONE);
        }
        if v < self.direct.len() {
            // It may have been stored in the hash table while out of range.
            let i = if self.min_hashed_numeric as usize <= v {
                self.hashed(key, hash(key), false)?
            } else {
                self.new_index(key)?
            };
            self.direct[v] = i;
            Ok(i)
        } else {
            self.min_hashed_numeric = self.min_hashed_numeric.min(v as u32);
            self.hashed(key, hash(key), true)
        }
    }

    /// Looks `key` up in the hash table. When absent, it gets a new index,
    /// stored in the table only if `store`.
    fn hashed(&mut self, key: &[u8], h: u64, store: bool) -> Result<u32, DataError> {
        let tag = (h >> 32) as u32 | 1;
        let kh = head(key);
        let mut pos = 0;
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            pos = h as usize & mask;
            loop {
                let s = &self.slots[pos];
                if s.hash == 0 {
                    break;
                }
                if s.hash == tag
                    && s.len as usize == key.len()
                    && s.head == kh
                    && (key.len() <= INLINE
                        || self.text[(s.start as usize + INLINE)..(s.start + s.len) as usize]
                            == key[INLINE..])
                {
                    return Ok(s.idx);
                }
                pos = (pos + 1) & mask;
            }
        }
        let idx = self.new_index(key)?;
        if store {
            let (start, len) = self.spans[idx as usize];
            if (self.hashed + 1) * 4 > self.slots.len() * 3 {
                self.grow();
                let mask = self.slots.len() - 1;
                pos = h as usize & mask;
                while self.slots[pos].hash != 0 {
                    pos = (pos + 1) & mask;
                }
            }
            self.slots[pos] = Slot {
                hash: tag,
                idx,
                start,
                len,
                head: kh,
            };
            self.hashed += 1;
        }
        Ok(idx)
    }

    /// Gives `key` the next index (without storing it in either table).
    fn new_index(&mut self, key: &[u8]) -> Result<u32, DataError> {
        let start = u32::try_from(self.text.len()).map_err(|_| too_big())?;
        let len = u32::try_from(key.len()).map_err(|_| too_big())?;
        start.checked_add(len).ok_or_else(too_big)?;
        let idx = u32::try_from(self.spans.len()).map_err(|_| too_big())?;
        self.text.extend_from_slice(key);
        self.spans.push((start, len));
        Ok(idx)
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(64);
        let mut slots = vec![Slot::default(); cap];
        let mask = cap - 1;
        for s in self.slots.iter().filter(|s| s.hash != 0) {
            let key = &self.text[s.start as usize..(s.start + s.len) as usize];
            let mut pos = hash(key) as usize & mask;
            while slots[pos].hash != 0 {
                pos = (pos + 1) & mask;
            }
            slots[pos] = *s;
        }
        self.slots = slots;
    }

    /// The strings, indexed by their index.
    pub(crate) fn finish(self) -> Vec<Box<str>> {
        // Every key came in as UTF-8, so the lossy conversion never alters one.
        (0..self.spans.len() as u32)
            .map(|i| String::from_utf8_lossy(self.bytes(i)).into())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_dense_and_stable_across_growth() -> Result<(), DataError> {
        let mut t = Interner::default();
        let keys: Vec<String> = (0..5000)
            .map(|i| format!("customer-{}@example.com", i * 7919 % 5000))
            .collect();
        let first: Vec<u32> = keys.iter().map(|k| t.intern(k)).collect::<Result<_, _>>()?;
        let again: Vec<u32> = keys
            .iter()
            .rev()
            .map(|k| t.intern(k))
            .collect::<Result<_, _>>()?;
        assert_eq!(first, again.into_iter().rev().collect::<Vec<_>>());
        assert_eq!(t.intern("")?, 5000);
        assert_eq!(t.intern("")?, 5000);
        let names = t.finish();
        for (k, &i) in keys.iter().zip(&first) {
            assert_eq!(&*names[i as usize], k.as_str());
        }
        Ok(())
    }

    /// Numeric keys move between the hash and the direct table as the latter
    /// grows; each key must keep its index throughout, batched or not.
    #[test]
    fn numeric_keys_keep_their_index_across_tables() -> Result<(), DataError> {
        let keys: Vec<String> = (0u64..40_000)
            .map(|i| match i % 7 {
                0 => format!("0{}", i * 13),         // leading zero: never numeric
                1 => format!("{}", 900_000_000 + i), // beyond the direct table
                2 => format!("c{i}"),
                // Out of the direct table's range at first, inside later on.
                3 => format!("{}", (1 << 20) + (i * 31) % 150_000),
                _ => format!("{}", (i * 7919) % 300_000),
            })
            .collect();
        let mut one = Interner::default();
        let singles: Vec<u32> = keys
            .iter()
            .map(|k| one.intern(k))
            .collect::<Result<_, _>>()?;
        let mut batched = Interner::default();
        let mut text = Vec::new();
        let mut spans = Vec::new();
        let mut got = Vec::new();
        for chunk in keys.chunks(333) {
            text.clear();
            spans.clear();
            for k in chunk {
                spans.push((text.len() as u32, k.len() as u32));
                text.extend_from_slice(k.as_bytes());
            }
            batched.intern_batch(&text, &spans, &mut got)?;
        }
        assert_eq!(singles, got);
        // Dense, first-appearance order, and the same key always maps to the same index.
        let mut seen = std::collections::HashMap::new();
        let mut next = 0;
        for (k, &i) in keys.iter().zip(&singles) {
            let e = *seen.entry(k.as_str()).or_insert_with(|| {
                next += 1;
                next - 1
            });
            assert_eq!(e, i, "{k}");
        }
        let names = batched.finish();
        assert_eq!(names.len(), next as usize);
        for (k, &i) in keys.iter().zip(&singles) {
            assert_eq!(&*names[i as usize], k.as_str());
        }
        assert_ne!(one.intern("7")?, one.intern("07")?);
        Ok(())
    }
}
