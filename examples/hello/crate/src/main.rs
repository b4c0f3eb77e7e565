//! The Rust port of hello, published to crates.io so that `cargo install hello` works.

fn main() {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        Some("--version") | Some("version") => println!("hello {}", env!("CARGO_PKG_VERSION")),
        Some(name) => println!("Hello, {name}!"),
        None => println!("Hello, world!"),
    }
}
