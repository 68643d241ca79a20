//! Deterministic, realistic French demo data for Calcium batch.
//!
//! [`generate_population`] (and [`generate_students`]) build the student records alone, with
//! no base, for tests and benchmarks. [`seed`] fills an empty base with them and with the
//! health-service data the batches work on: consultations, relances, the scan basket and
//! filed documents, vaccinations. The same options always give the same data.

mod apogee;
mod clock;
mod documents;
mod duplicates;
mod health;
mod identifiers;
// Word lists laid out as tables, several entries a line: formatting would put one a line.
#[rustfmt::skip]
mod names;
mod people;
mod relances;
mod studies;

use calcium_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;
use rand::SeedableRng;
use rand::rngs::StdRng;

pub use apogee::{apogee_file, apogee_line};
pub use people::{COD_ANU, Population, generate_population, generate_students};

use crate::clock::Clock;

/// The import model the demo students are recorded under: they stand for a registry export.
pub const IMPORT_MODEL: &str = "APOGEE";

/// Mixed into the seed for the health data, so that it is a stream of its own and the
/// students stay the same whatever is drawn after them.
const HEALTH_STREAM: u64 = 0x5EED_0F4E_A17A;

/// What to seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many student records, planted duplicates included.
    pub students: u32,
    pub seed: u64,
    /// The day ages, due dates and injection dates are reckoned from.
    pub today: Date,
    /// The instant consultations, relances and scans are placed before.
    pub now: Timestamp,
}

/// What was seeded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub students: u64,
    pub consultations: u64,
    /// Consultations left open, for FER_CON to close.
    pub open_consultations: u64,
    pub relances: u64,
    /// Documents put in the scan basket (the filed ones included).
    pub scan_documents: u64,
    /// Basket documents filed into a student record.
    pub filed_documents: u64,
    pub vaccinations: u64,
    /// Students that are a second registration of another one, for DOUBLONS to find.
    pub planted_duplicates: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("la base contient déjà {0} étudiants : les données de démonstration vont dans une base vide")]
    NotEmpty(i64),
    #[error(transparent)]
    Db(#[from] calcium_store::DbError),
}

/// Seeds an empty, bootstrapped base with `options.students` demo students and their health
/// data, each kind in one bulk transaction (filing a scanned document is one transaction
/// per document). Refuses a base that already holds students.
///
/// # Panics
///
/// When `options.today` is before 1936 (see [`generate_population`]).
pub async fn seed(store: &Store, options: &DemoOptions) -> Result<DemoSummary, DemoError> {
    let existing = store.count_students().await?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    let population = generate_population(options.students, options.seed, options.today);
    let students = store.insert_students(&population.records, Some(IMPORT_MODEL), None, options.now).await?;
    // The base held no student and one transaction inserted them in order, so the ids in
    // order are the records in order: `ids[i]` is `population.records[i]`.
    let ids = store.student_ids().await?;

    let clock = Clock::new(options.today, options.now);
    let mut rng = StdRng::seed_from_u64(options.seed ^ HEALTH_STREAM);

    let consultations = health::consultations(&ids, &clock, &mut rng);
    let open_consultations = consultations.iter().filter(|c| c.closed_at.is_none()).count() as u64;
    let consultations = store.insert_consultations(&consultations).await?;

    let relances = relances::relances(&ids, &clock, &mut rng);
    let relances = store.insert_relances(&relances).await?.len() as u64;

    let vaccinations = health::vaccinations(&ids, &population.records, &clock, &mut rng);
    let vaccinations = store.insert_vaccinations(&vaccinations, clock.now()).await?;

    let documents = documents::scan_documents(options.students, &clock, &mut rng);
    let filings = documents::filings(&documents, &ids, &clock, &mut rng);
    let scan_ids = store.insert_scan_documents(&documents).await?;
    let mut filed_documents = 0;
    for &(index, student, filed_at) in &filings {
        // The store returns one id per document, in order.
        if let Some(&scan_id) = scan_ids.get(index) {
            store.file_scan_document(scan_id, student, filed_at).await?;
            filed_documents += 1;
        }
    }

    Ok(DemoSummary {
        students,
        consultations,
        open_consultations,
        relances,
        scan_documents: scan_ids.len() as u64,
        filed_documents,
        vaccinations,
        planted_duplicates: population.duplicate_of.len() as u64,
    })
}
