//! The `smpp` command.
fn main() {}
