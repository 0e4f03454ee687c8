//! Fuzzes the CSV readers: no input may panic, and the streaming reader must
//! agree with the in-memory one however the input is chunked.
//!
//! Run: `cargo +nightly fuzz run orders_csv -- -max_total_time=60` from `fuzz/`.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use rapport_metrics::data::{
    parse_cdnow, parse_events_csv, parse_feedback_csv, parse_orders_csv, parse_shopify_orders,
    read_orders_csv, BadRowPolicy, OrderColumns, OrdersCsvOptions, ReadOptions, ShopifyOptions,
};

/// Hands out the input `step` bytes at a time, like a pipe.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&control, data)) = input.split_first() else {
        return;
    };
    let read = ReadOptions {
        bad_rows: if control & 1 == 0 {
            BadRowPolicy::Fail
        } else {
            BadRowPolicy::Skip
        },
        delimiter: if control & 2 == 0 { b',' } else { b';' },
        now: (control & 4 != 0).then_some(1_700_000_000),
        ..Default::default()
    };
    let opts = OrdersCsvOptions {
        columns: OrderColumns {
            customer: "c".into(),
            timestamp: "t".into(),
            amount: Some("a".into()),
            order_id: (control & 8 != 0).then(|| "o".into()),
            status: (control & 16 != 0).then(|| "s".into()),
        },
        read: read.clone(),
        ..Default::default()
    };
    let whole = parse_orders_csv(data, &opts);
    let step = usize::from(control >> 5) + 1;
    let streamed = read_orders_csv(Trickle(data, step), &opts);
    assert_eq!(whole, streamed, "chunk size {step}");
    let _ = parse_shopify_orders(
        data,
        &ShopifyOptions {
            read: read.clone(),
            ..Default::default()
        },
    );
    let _ = parse_events_csv(data, &Default::default());
    let _ = parse_feedback_csv(data, &read);
    let _ = parse_cdnow(data, &read);
});
