//! `cargo xtask demo`: build everything and run the collector with the demo storefront.

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
    println!("\nRapport demo storefront: http://{listen}/");
    println!("  product page     http://{listen}/");
    println!("  cart             http://{listen}/cart.html");
    println!("  order confirmed  http://{listen}/order.html  (post-purchase check-in)");
    println!("  answers (JSON)   curl -H 'Authorization: Bearer demo-admin-token' 'http://{listen}/v1/responses?site=demo'");
    println!("  answers (CSV)    curl -H 'Authorization: Bearer demo-admin-token' 'http://{listen}/v1/responses?site=demo&format=csv'");
    println!(
        "  SQLite database  {}\n",
        db.strip_prefix(&root).unwrap_or(&db).display()
    );
    step(
        "rapport-server",
        util::cmd(
            util::target_dir()
                .join("release/rapport-server")
                .to_str()
                .unwrap_or("rapport-server"),
        )
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
