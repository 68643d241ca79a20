//! `sqlx::migrate!` reads the migrations at compile time, and cargo does not know it: without
//! this, a new migration file leaves the crate as built, and the program without the migration.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
