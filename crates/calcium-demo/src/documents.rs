//! The scan basket: small but well-formed one-page PDFs as the service's copier names them,
//! scanned over the last two months, about half of them to be filed into a student record.

use calcium_core::student::StudentId;
use calcium_store::NewScanDocument;
use jiff::Timestamp;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::clock::{Clock, DAY_MS, HOUR_MS};

/// What the scanned pages are.
const TITLES: &[&str] = &[
    "Certificat de vaccination",
    "Résultats d'analyses biologiques",
    "Certificat médical de non contre-indication au sport",
    "Courrier du médecin traitant",
    "Attestation de droits à l'assurance maladie",
    "Compte rendu de radiographie pulmonaire",
    "Copie du carnet de santé",
];

/// `min(students / 1000, 200) + 5` documents, the newest last.
pub(crate) fn scan_documents(students: u32, clock: &Clock, rng: &mut impl Rng) -> Vec<NewScanDocument> {
    let count = (students / 1000).min(200) + 5;
    let mut scanned: Vec<i64> = (0..count).map(|_| clock.now_ms() - rng.random_range(0..=60 * DAY_MS)).collect();
    scanned.sort_unstable();
    scanned
        .into_iter()
        .enumerate()
        .map(|(sequence, ms)| {
            let scanned_at = clock.instant(ms);
            let title = TITLES.choose(rng).expect("the title list is not empty");
            NewScanDocument {
                file_name: format!("SCAN_{}_{:03}.pdf", scanned_at.strftime("%Y%m%d_%H%M%S"), sequence + 1),
                content: fake_pdf(title, scanned_at),
                scanned_at,
            }
        })
        .collect()
}

/// For about half of the basket, `(index in the basket, student, filing instant)`: filed by
/// the staff within two days of the scan.
pub(crate) fn filings(
    documents: &[NewScanDocument],
    students: &[StudentId],
    clock: &Clock,
    rng: &mut impl Rng,
) -> Vec<(usize, StudentId, Timestamp)> {
    let mut filings = Vec::new();
    for (index, document) in documents.iter().enumerate() {
        if !rng.random_bool(0.5) {
            continue;
        }
        let Some(&student) = students.choose(rng) else { break };
        let filed_ms = document.scanned_at.as_millisecond() + rng.random_range(HOUR_MS..=48 * HOUR_MS);
        filings.push((index, student, clock.instant(filed_ms)));
    }
    filings
}

/// A one-page PDF 1.4 with a title and a line of text, in Helvetica (WinAnsi encoding, so
/// the accents print), with a correct cross-reference table: any reader opens it.
fn fake_pdf(title: &str, scanned_at: Timestamp) -> Vec<u8> {
    let subtitle = format!("Service de santé universitaire - document numérisé le {}", scanned_at.strftime("%d/%m/%Y"));
    let mut stream = Vec::new();
    stream.extend_from_slice(b"BT /F1 16 Tf 72 770 Td (");
    push_pdf_text(&mut stream, title);
    stream.extend_from_slice(b") Tj /F1 10 Tf 0 -24 Td (");
    push_pdf_text(&mut stream, &subtitle);
    stream.extend_from_slice(b") Tj ET");

    let mut pdf = Vec::with_capacity(900);
    let mut offsets = Vec::with_capacity(5);
    pdf.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let objects: [&[u8]; 3] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    ];
    for (number, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", number + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    offsets.push(pdf.len());
    pdf.extend_from_slice(format!("4 0 obj\n<< /Length {} >>\nstream\n", stream.len()).as_bytes());
    pdf.extend_from_slice(&stream);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    offsets.push(pdf.len());
    pdf.extend_from_slice(
        b"5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n",
    );
    let xref = pdf.len();
    let size = offsets.len() + 1;
    pdf.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in &offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

/// Text for a PDF string literal in WinAnsi: Latin-1 bytes (the accents of French), the
/// delimiters escaped, anything else as `?`.
fn push_pdf_text(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => out.extend_from_slice(&[b'\\', c as u8]),
            '\u{2019}' => out.push(b'\''),
            c => out.push(u8::try_from(u32::from(c)).unwrap_or(b'?')),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_pdfs_are_small_and_well_formed() {
        let pdf = fake_pdf("Résultats d'analyses (sang)", "2026-11-20T09:30:00Z".parse().unwrap());
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        assert!((300..1200).contains(&pdf.len()), "{}", pdf.len());
        let text = String::from_utf8_lossy(&pdf);
        let startxref: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(pdf[startxref..].starts_with(b"xref\n"));
        // Each cross-reference entry points at its object.
        let table = std::str::from_utf8(&pdf[startxref..]).expect("the cross-reference table is ASCII");
        let entries: Vec<usize> = table.lines().skip(3).take(5).map(|line| line[..10].parse().unwrap()).collect();
        for (number, offset) in entries.iter().enumerate() {
            assert!(pdf[*offset..].starts_with(format!("{} 0 obj", number + 1).as_bytes()));
        }
        assert!(pdf.windows(3).any(|w| w == b"R\xE9s"), "é in Latin-1");
        assert!(text.contains("\\(sang\\)"));
    }
}
