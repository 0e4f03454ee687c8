//! Arbitrary bytes through every reader: never a panic, and the streaming
//! reader agrees with the in-memory one whatever the chunking (the same
//! property the `fuzz/` target checks at scale).

use std::io::Read;

use proptest::prelude::*;
use rapport_metrics::data::{
    parse_cdnow, parse_events_csv, parse_feedback_csv, parse_feedback_json, parse_orders_csv,
    parse_shopify_orders, read_orders_csv, BadRowPolicy, OrderColumns, OrdersCsvOptions,
    ReadOptions,
};

struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Bytes biased towards CSV structure so the quote and newline paths are hit.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"2024-01-05".to_vec()),
        Just(b"-3.5".to_vec()),
        Just(b"abc".to_vec()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| {
        let mut out = b"c,t,a\n".to_vec();
        out.extend(v.concat());
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn readers_never_panic_and_stream_equals_slice(data in csvish(), skip in any::<bool>(), step in 1usize..9) {
        let read = ReadOptions { bad_rows: if skip { BadRowPolicy::Skip } else { BadRowPolicy::Fail }, ..Default::default() };
        let opts = OrdersCsvOptions {
            columns: OrderColumns { customer: "c".into(), timestamp: "t".into(), amount: Some("a".into()), ..Default::default() },
            read: read.clone(),
            ..Default::default()
        };
        let whole = parse_orders_csv(&data, &opts);
        let streamed = read_orders_csv(Trickle(&data, step), &opts);
        prop_assert_eq!(&whole, &streamed);
        if let Ok(p) = whole {
            prop_assert!(p.data.amounts().iter().all(|a| a.is_finite() && *a >= 0.0));
            prop_assert_eq!(p.data.len() as u64 + p.report.total(), p.report.rows_read);
        }
        let _ = parse_shopify_orders(&data, &Default::default());
        let _ = parse_events_csv(&data, &Default::default());
        let _ = parse_feedback_csv(&data, &read);
        let _ = parse_feedback_json(&data, &read);
        let _ = parse_cdnow(&data, &read);
    }
}
