//! Orders as struct-of-arrays columns: customer index, timestamp, amount.
//!
//! 20 bytes per order (`u32` + `i64` + `f64`) plus one interned id string per
//! customer. Customer indices are dense (`0..n_customers`) so analyses can
//! keep per-customer state in plain vectors instead of hash maps.

use super::error::DataError;
use super::intern::Interner;

/// Orders of many customers, in input order (not necessarily sorted).
///
/// Invariants (checked by every constructor): the three columns have one
/// entry per order, every customer index is `< customer_ids().len()`, every
/// amount is finite and `>= 0` ($0 orders are kept: they are purchases).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Orders {
    customer: Vec<u32>,
    timestamp: Vec<i64>,
    amount: Vec<f64>,
    customer_ids: Vec<Box<str>>,
}

impl Orders {
    /// Builds orders from parallel columns with string customer ids, which are interned.
    ///
    /// ```
    /// use rapport_metrics::data::Orders;
    /// let orders = Orders::from_columns(&["ann", "bob", "ann"], vec![0, 86_400, 172_800], vec![10.0, 0.0, 5.5]).unwrap();
    /// assert_eq!(orders.n_customers(), 2);
    /// assert_eq!(orders.customers(), &[0, 1, 0]);
    /// ```
    pub fn from_columns<S: AsRef<str>>(
        customer_ids: &[S],
        timestamps: Vec<i64>,
        amounts: Vec<f64>,
    ) -> Result<Orders, DataError> {
        if customer_ids.len() != timestamps.len() || timestamps.len() != amounts.len() {
            return Err(DataError::Columns(format!(
                "column lengths differ: {} customer ids, {} timestamps, {} amounts",
                customer_ids.len(),
                timestamps.len(),
                amounts.len()
            )));
        }
        let mut b = OrdersBuilder::with_capacity(amounts.len());
        for (i, ((id, t), a)) in customer_ids.iter().zip(timestamps).zip(amounts).enumerate() {
            check_amount(i, a)?;
            b.push(id.as_ref(), t, a)?;
        }
        b.finish()
    }

    /// Builds orders from already-indexed columns (customer `i` is `customer_ids[i]`).
    pub fn from_indexed(
        customer: Vec<u32>,
        customer_ids: Vec<String>,
        timestamp: Vec<i64>,
        amount: Vec<f64>,
    ) -> Result<Orders, DataError> {
        if customer.len() != timestamp.len() || timestamp.len() != amount.len() {
            return Err(DataError::Columns(format!(
                "column lengths differ: {} customers, {} timestamps, {} amounts",
                customer.len(),
                timestamp.len(),
                amount.len()
            )));
        }
        if let Some((i, c)) = customer
            .iter()
            .enumerate()
            .find(|(_, &c)| c as usize >= customer_ids.len())
        {
            return Err(DataError::Columns(format!(
                "order {i}: customer index {c} out of range ({} customer ids)",
                customer_ids.len()
            )));
        }
        for (i, &a) in amount.iter().enumerate() {
            check_amount(i, a)?;
        }
        Ok(Orders {
            customer,
            timestamp,
            amount,
            customer_ids: customer_ids
                .into_iter()
                .map(String::into_boxed_str)
                .collect(),
        })
    }

    /// Number of orders.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True when there are no orders.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Number of distinct customers (including any without orders given to [`Orders::from_indexed`]).
    pub fn n_customers(&self) -> usize {
        self.customer_ids.len()
    }

    /// Customer index of each order.
    pub fn customers(&self) -> &[u32] {
        &self.customer
    }

    /// Timestamp (seconds since the Unix epoch) of each order.
    pub fn timestamps(&self) -> &[i64] {
        &self.timestamp
    }

    /// Amount of each order.
    pub fn amounts(&self) -> &[f64] {
        &self.amount
    }

    /// Customer ids, indexed by customer index.
    pub fn customer_ids(&self) -> &[Box<str>] {
        &self.customer_ids
    }

    /// Bytes held by the columns and ids (capacity, not just length).
    pub fn heap_bytes(&self) -> usize {
        self.customer.capacity() * 4
            + self.timestamp.capacity() * 8
            + self.amount.capacity() * 8
            + self.customer_ids.capacity() * std::mem::size_of::<Box<str>>()
            + self.customer_ids.iter().map(|s| s.len()).sum::<usize>()
    }
}

fn check_amount(i: usize, a: f64) -> Result<(), DataError> {
    if !a.is_finite() || a < 0.0 {
        return Err(DataError::Columns(format!(
            "order {i}: amount {a} is not a finite non-negative number"
        )));
    }
    Ok(())
}

/// Orders interned per batch of this many, so that lookups can prefetch.
const BATCH: usize = 1024;

/// Appends orders one by one, interning customer ids. Used by the readers.
///
/// Ids are buffered and interned a batch at a time
/// ([`Interner::intern_batch`]), which overlaps the cache misses of lookups
/// when customers come in random order.
#[derive(Default)]
pub(crate) struct OrdersBuilder {
    ids: Interner,
    customer: Vec<u32>,
    timestamp: Vec<i64>,
    amount: Vec<f64>,
    /// Ids of the orders not interned yet: text and `(start, len)` spans.
    pending_text: Vec<u8>,
    pending: Vec<(u32, u32)>,
}

impl OrdersBuilder {
    pub(crate) fn with_capacity(n: usize) -> Self {
        OrdersBuilder {
            customer: Vec::with_capacity(n),
            timestamp: Vec::with_capacity(n),
            amount: Vec::with_capacity(n),
            ..Default::default()
        }
    }

    /// Appends one order; the caller has validated the amount.
    #[inline]
    pub(crate) fn push(
        &mut self,
        customer_id: &str,
        timestamp: i64,
        amount: f64,
    ) -> Result<(), DataError> {
        self.push_ascii(customer_id.as_bytes(), timestamp, amount)
    }

    /// [`OrdersBuilder::push`] with the id as bytes, which must be UTF-8
    /// (readers pass ASCII they checked, saving a UTF-8 validation).
    #[inline]
    pub(crate) fn push_ascii(
        &mut self,
        customer_id: &[u8],
        timestamp: i64,
        amount: f64,
    ) -> Result<(), DataError> {
        let too_long = || DataError::Columns("customer id longer than 4 GiB".into());
        let len = u32::try_from(customer_id.len()).map_err(|_| too_long())?;
        if self.pending_text.len() + customer_id.len() > u32::MAX as usize {
            self.flush()?;
        }
        // Fits: the flush above emptied the text if this id would not.
        let start = self.pending_text.len() as u32;
        self.pending_text.extend_from_slice(customer_id);
        self.pending.push((start, len));
        self.timestamp.push(timestamp);
        self.amount.push(amount);
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Orders pushed so far (the index the next one gets).
    pub(crate) fn len(&self) -> usize {
        self.amount.len()
    }

    /// Adds `amount` to order `index` (another line of that order).
    pub(crate) fn add_amount(&mut self, index: usize, amount: f64) {
        if let Some(a) = self.amount.get_mut(index) {
            *a += amount;
        }
    }

    fn flush(&mut self) -> Result<(), DataError> {
        self.ids
            .intern_batch(&self.pending_text, &self.pending, &mut self.customer)?;
        self.pending.clear();
        self.pending_text.clear();
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<Orders, DataError> {
        self.flush()?;
        let mut customer = self.customer;
        let mut timestamp = self.timestamp;
        let mut amount = self.amount;
        customer.shrink_to_fit();
        timestamp.shrink_to_fit();
        amount.shrink_to_fit();
        Ok(Orders {
            customer,
            timestamp,
            amount,
            customer_ids: self.ids.finish(),
        })
    }
}

/// Parses a money amount: optional sign, digits, optional `.` and digits.
///
/// Plain decimals with at most 15 significant digits take an exact integer
/// path (`digits / 10^k` is correctly rounded, so it equals `str::parse`);
/// anything else falls back to `str::parse::<f64>`. Non-finite results are
/// rejected.
pub(crate) fn parse_amount(text: &[u8]) -> Option<f64> {
    if let Some(v) = parse_cents(text) {
        return Some(v);
    }
    let s = text.trim_ascii();
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut frac: Option<u32> = None;
    let mut ok = !body.is_empty();
    for &b in body {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                digits += 1;
                if let Some(f) = frac.as_mut() {
                    *f += 1;
                }
            }
            b'.' if frac.is_none() => frac = Some(0),
            _ => {
                ok = false;
                break;
            }
        }
    }
    if ok && digits > 0 && digits <= 15 {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let v = mantissa as f64 / POW10[frac.unwrap_or(0) as usize];
        return Some(if neg { -v } else { v });
    }
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    v.is_finite().then_some(v)
}

/// The common shape `digits.dd` (1 to 13 integer digits, no sign, no
/// spaces): the same value as the general path (`cents / 100`, correctly
/// rounded), with no branch per byte.
#[inline]
pub(crate) fn parse_cents(s: &[u8]) -> Option<f64> {
    let len = s.len();
    if !(4..=16).contains(&len) || s[len - 3] != b'.' {
        return None;
    }
    let mut cents = 0u64;
    let mut bad = false;
    for &b in &s[..len - 3] {
        let d = b.wrapping_sub(b'0');
        bad |= d > 9;
        cents = cents * 10 + u64::from(d);
    }
    let (f0, f1) = (s[len - 2].wrapping_sub(b'0'), s[len - 1].wrapping_sub(b'0'));
    if bad || f0 > 9 || f1 > 9 {
        return None;
    }
    Some((cents * 100 + u64::from(f0) * 10 + u64::from(f1)) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_fast_path_matches_std_parse() {
        for s in [
            "0",
            "0.00",
            "29.33",
            "1234567.89",
            "-5.5",
            "+3",
            ".5",
            "5.",
            "0.1",
            "999999999999999",
            "9999999999999.99",
            "99999999999999.99",
            "0.05",
            "12.3",
            "1.234",
        ] {
            let std: f64 = s.parse().unwrap_or(f64::NAN);
            assert_eq!(parse_amount(s.as_bytes()), Some(std), "{s}");
        }
        assert_eq!(parse_amount(b"1e3"), Some(1000.0));
        assert_eq!(
            parse_amount(b"12345678901234567.5"),
            Some(12345678901234567.5)
        );
        for bad in ["", "abc", "1.2.3", "NaN", "inf", "-", "."] {
            assert_eq!(parse_amount(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn columns_are_validated() {
        assert!(Orders::from_columns(&["a"], vec![0, 1], vec![1.0]).is_err());
        assert!(Orders::from_columns(&["a"], vec![0], vec![-1.0]).is_err());
        assert!(Orders::from_columns(&["a"], vec![0], vec![f64::NAN]).is_err());
        assert!(Orders::from_indexed(vec![1], vec!["a".into()], vec![0], vec![1.0]).is_err());
        let o = Orders::from_indexed(
            vec![0, 1],
            vec!["a".into(), "b".into()],
            vec![0, 5],
            vec![1.0, 2.0],
        );
        assert_eq!(o.map(|o| o.len()), Ok(2));
    }
}
