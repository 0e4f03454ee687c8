fn main() { println!("rapport-server: being written"); }
