//! Writes a realistic Apogée student file (Windows-1252, 46 columns) of N lines, for timing or
//! trying the import by hand:
//! `cargo run -p calcium-demo --release --example apogee_file -- 100000 etudiants.csv`.

#![allow(clippy::print_stdout, reason = "an example reports on the terminal")]

use calcium_demo::{apogee_file, generate_population};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [count, path] = args.as_slice() else {
        return Err("usage : apogee_file NOMBRE_DE_LIGNES FICHIER".into());
    };
    let population = generate_population(count.parse()?, 1, jiff::civil::date(2026, 11, 28));
    std::fs::write(path, apogee_file(&population.records))?;
    println!("{path} : {} lignes", population.records.len());
    Ok(())
}
