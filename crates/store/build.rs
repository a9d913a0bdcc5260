// `sqlx::migrate!` embeds migrations/local at compile time: a new or
// changed migration must rebuild this crate.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations/local");
}
