//! String interning: dense `u32` indices for repeated ids and names.
//!
//! A purpose-built open-addressing table, because interning customer ids is
//! the hot spot of order ingestion: with a general map a lookup touches the
//! control bytes, the slot and the key's own heap allocation, three cache
//! misses on a large table. Here a 32-byte slot holds a 32-bit hash, the
//! index, the key's place in one shared text arena and its first 16 bytes, so
//! a lookup of a short key costs one cache line, and a longer key one more
//! read of the arena. The previous key is also remembered,
//! since exports often list a customer's rows together.

use super::error::DataError;

/// Keys up to this long are compared inside the slot, without touching the arena.
const INLINE: usize = 16;

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
#[derive(Default)]
pub(crate) struct Interner {
    slots: Vec<Slot>,
    text: Vec<u8>,
    /// `(start, len)` of each index in `text`.
    spans: Vec<(u32, u32)>,
    last: Option<u32>,
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
        if (self.spans.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let h = hash(key);
        let tag = (h >> 32) as u32 | 1;
        let kh = head(key);
        let mask = self.slots.len() - 1;
        let mut pos = h as usize & mask;
        loop {
            let s = self.slots[pos];
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
                self.last = Some(s.idx);
                return Ok(s.idx);
            }
            pos = (pos + 1) & mask;
        }
        let too_big = || DataError::Columns("distinct ids exceed 4 GiB of text".into());
        let start = u32::try_from(self.text.len()).map_err(|_| too_big())?;
        let len = u32::try_from(key.len()).map_err(|_| too_big())?;
        start.checked_add(len).ok_or_else(too_big)?;
        let idx = u32::try_from(self.spans.len()).map_err(|_| too_big())?;
        self.text.extend_from_slice(key);
        self.spans.push((start, len));
        self.slots[pos] = Slot {
            hash: tag,
            idx,
            start,
            len,
            head: kh,
        };
        self.last = Some(idx);
        Ok(idx)
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(64);
        let mut slots = vec![Slot::default(); cap];
        let mask = cap - 1;
        for (idx, &(start, len)) in self.spans.iter().enumerate() {
            let key = &self.text[start as usize..(start + len) as usize];
            let h = hash(key);
            let mut pos = h as usize & mask;
            while slots[pos].hash != 0 {
                pos = (pos + 1) & mask;
            }
            slots[pos] = Slot {
                hash: (h >> 32) as u32 | 1,
                idx: idx as u32,
                start,
                len,
                head: head(key),
            };
        }
        self.slots = slots;
    }

    /// The strings, indexed by their index.
    pub(crate) fn finish(self) -> Vec<Box<str>> {
        // Every key came in as a `&str`, so the lossy conversion never alters one.
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
}
