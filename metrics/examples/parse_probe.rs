use std::time::Instant;
use rapport_metrics::data::{parse_orders_csv, OrdersCsvOptions, DateFormat};
fn main() {
    let mut a = String::from("customer_id,date,amount\n");
    let mut b = a.clone();
    for i in 0..2_000_000u64 {
        let c = (i * 2654435761) % 200_000;
        a.push_str(&format!("C{:07},2024-01-05T10:11:12Z,{}.{:02}\n", 1, i % 200, i % 100));
        b.push_str(&format!("C{:07},2024-01-05T10:11:12Z,{}.{:02}\n", c, i % 200, i % 100));
    }
    let mut o = OrdersCsvOptions::default();
    for (name, text) in [("one customer", &a), ("200k customers", &b)] {
        for fmt in [DateFormat::Auto, DateFormat::Iso8601] {
            o.read.date_format = fmt;
            let t = Instant::now();
            let p = parse_orders_csv(text.as_bytes(), &o).unwrap();
            let s = t.elapsed().as_secs_f64();
            println!("{name} {fmt:?}: {} rows {:.0} MB/s", p.data.len(), text.len() as f64 / 1e6 / s);
        }
    }
}
