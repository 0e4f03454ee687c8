fn main() { println!("rapport-metrics: being written"); }
