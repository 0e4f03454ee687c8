//! `cargo xtask demo`: build everything, seed the demo database when it has no orders
//! (`rapport-server seed-demo`: a simulated year of the store and a console owner), and
//! run the collector with the demo storefront.

use crate::util::{self, step};

/// Builds, then runs `rapport-server` in the foreground on 127.0.0.1:8080 (Ctrl-C stops it).
pub fn run(args: &[String]) -> Result<(), String> {
    let listen = args
        .windows(2)
        .find(|w| w[0] == "--listen")
        .map(|w| w[1].clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    crate::build::run_build()?;
    step(
        "collector (release)",
        util::cargo().args(["build", "--release", "--package", "rapport-server"]),
    )?;
    let root = util::root();
    let data = root.join(".rapport");
    util::mkdirs(&data)?;
    let db = data.join("demo.sqlite");
    let server = util::target_dir().join("release/rapport-server");
    let server = server.to_str().unwrap_or("rapport-server");
    let password = demo_password(&data.join("demo-password"))?;
    step(
        "seed-demo",
        util::cmd(server)
            .arg("seed-demo")
            .arg("--db")
            .arg(&db)
            .args(["--config", "config/demo.json", "--password", &password]),
    )?;
    println!("\nRapport demo storefront: http://{listen}/");
    println!("  product page     http://{listen}/");
    println!("  cart             http://{listen}/cart.html");
    println!("  order confirmed  http://{listen}/order.html  (post-purchase check-in)");
    println!("  answers (JSON)   curl -H 'Authorization: Bearer demo-admin-token' 'http://{listen}/v1/responses?site=demo'");
    println!("  answers (CSV)    curl -H 'Authorization: Bearer demo-admin-token' 'http://{listen}/v1/responses?site=demo&format=csv'");
    println!("  console          http://{listen}/admin  (sign in: demo@example.com / {password})");
    println!(
        "  SQLite database  {}\n",
        db.strip_prefix(&root).unwrap_or(&db).display()
    );
    step(
        "rapport-server",
        util::cmd(server)
            .args(["--listen", &listen])
            .arg("--db")
            .arg(&db)
            .args([
                "--config",
                "config/demo.json",
                "--dist",
                "dist",
                "--www",
                "www/demo",
            ]),
    )
}

/// The demo owner's password: made once (96 random bits, hex) and kept beside the demo
/// database, so that every start can print it.
fn demo_password(file: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    if let Ok(kept) = std::fs::read_to_string(file) {
        if kept.trim().len() >= 12 {
            return Ok(kept.trim().to_owned());
        }
    }
    let mut bytes = [0u8; 12];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("demo password: random bytes: {e}"))?;
    let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(file, &password).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(password)
}
