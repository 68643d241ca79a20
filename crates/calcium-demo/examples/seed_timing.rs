//! Times the demo seeding of a fresh SQLite base (100 000 students unless told otherwise):
//! `cargo run -p calcium-demo --release --example seed_timing -- 100000`.
//! With `--sample N` it prints N generated records instead, to eyeball their realism.

#![allow(clippy::print_stdout, reason = "an example reports on the terminal")]

use std::time::Instant;

use calcium_demo::{DemoOptions, generate_population, seed};
use calcium_store::Store;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let today = jiff::civil::date(2026, 11, 28);
    if let [flag, count] = args.as_slice()
        && flag == "--sample"
    {
        let population = generate_population(count.parse()?, 2026, today);
        for record in &population.records {
            println!("{record:?}\n");
        }
        println!("planted duplicates: {:?}", population.duplicate_of);
        return Ok(());
    }
    let students: u32 = args.first().map(|n| n.parse()).transpose()?.unwrap_or(100_000);
    let options = DemoOptions { students, seed: 2026, today, now: "2026-11-28T10:00:00Z".parse()? };

    let started = Instant::now();
    let population = generate_population(students, options.seed, today);
    println!("generation of {} records: {:.2?}", population.records.len(), started.elapsed());

    let dir = tempfile::tempdir()?;
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("demo.db").display())).await?;
    store.bootstrap(options.now).await?;
    let started = Instant::now();
    let summary = seed(&store, &options).await?;
    println!("seed of {students} students into SQLite: {:.2?}", started.elapsed());
    println!("{summary:#?}");
    store.close().await;
    Ok(())
}
