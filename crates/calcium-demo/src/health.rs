//! Consultations and vaccinations of the demo students, ready for the store's bulk inserts.

use calcium_core::student::{StudentId, StudentRecord};
use calcium_store::{NewConsultation, NewVaccination};
use jiff::Span;
use jiff::civil::Date;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::clock::{Clock, DAY_MS, MINUTE_MS};
use crate::names::STAFF;

/// The `source` of the demo vaccinations.
pub(crate) const VACCINATION_SOURCE: &str = "DEMO";

/// A vaccine, when it is given (age in years at injection) and how many doses a record shows.
struct Vaccine {
    code: &'static str,
    label: &'static str,
    ages: (i64, i64),
    doses: i32,
}

const VACCINES: &[Vaccine] = &[
    Vaccine { code: "DTP", label: "Diphtérie, tétanos, poliomyélite", ages: (11, 25), doses: 5 },
    Vaccine { code: "ROR", label: "Rougeole, oreillons, rubéole", ages: (1, 2), doses: 2 },
    Vaccine { code: "HEPB", label: "Hépatite B", ages: (11, 20), doses: 3 },
    Vaccine { code: "BCG", label: "Tuberculose (BCG)", ages: (0, 1), doses: 1 },
    Vaccine { code: "MENC", label: "Méningocoque C", ages: (1, 18), doses: 2 },
    Vaccine { code: "HPV", label: "Papillomavirus humains", ages: (11, 19), doses: 3 },
];

/// About 0.3 consultation per student, 2 % of them still open (opened in the last days,
/// for FER_CON to close), the others closed 20 to 60 minutes after opening, over the last
/// year.
pub(crate) fn consultations(students: &[StudentId], clock: &Clock, rng: &mut impl Rng) -> Vec<NewConsultation> {
    let count = students.len() * 3 / 10;
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(&student_id) = students.choose(rng) else { break };
        let opened_by = (*STAFF.choose(rng).expect("the staff list is not empty")).to_owned();
        let (opened_at, closed_at) = if rng.random_bool(0.02) {
            let opened = clock.now_ms() - rng.random_range(10 * MINUTE_MS..4 * DAY_MS);
            (clock.instant(opened), None)
        } else {
            let opened = clock.office_hours_ms(rng.random_range(1..=365), rng);
            let closed = opened + rng.random_range(20 * MINUTE_MS..=60 * MINUTE_MS);
            (clock.instant(opened), Some(clock.instant(closed)))
        };
        rows.push(NewConsultation { student_id, opened_by, opened_at, closed_at });
    }
    rows
}

/// About 0.5 vaccination per student: one student in five has a vaccination record with one
/// to four distinct vaccines, each injected at the usual age (never after `today`).
/// `records[i]` is the student `students[i]`.
pub(crate) fn vaccinations(
    students: &[StudentId],
    records: &[StudentRecord],
    clock: &Clock,
    rng: &mut impl Rng,
) -> Vec<NewVaccination> {
    let mut rows = Vec::with_capacity(students.len() / 2 + 16);
    for (&student_id, record) in students.iter().zip(records) {
        if !rng.random_bool(0.2) {
            continue;
        }
        let birth = record.datenai.date();
        let how_many = rng.random_range(1..=4);
        // Distinct vaccines: one row per (student, vaccine), so the unique key never clashes.
        for vaccine in VACCINES.choose_multiple(rng, how_many) {
            let age = rng.random_range(vaccine.ages.0..=vaccine.ages.1);
            let injected = birth.saturating_add(Span::new().years(age).days(rng.random_range(0..365)));
            let lot = rng.random_bool(0.7).then(|| lot_number(rng));
            rows.push(NewVaccination {
                student_id,
                vaccine_code: vaccine.code.to_owned(),
                label: vaccine.label.to_owned(),
                injection_date: injected.min(yesterday(clock)).max(birth),
                lot,
                rang: Some(rng.random_range(1..=vaccine.doses)),
                source: VACCINATION_SOURCE.to_owned(),
                execution_id: None,
            });
        }
    }
    rows
}

fn yesterday(clock: &Clock) -> Date {
    clock.date(-1)
}

/// A batch number as printed on the vial label: two letters and four digits.
fn lot_number(rng: &mut impl Rng) -> String {
    let mut letter = || char::from(b'A' + rng.random_range(0..26));
    let (first, second) = (letter(), letter());
    format!("{first}{second}{:04}", rng.random_range(0..10_000))
}
