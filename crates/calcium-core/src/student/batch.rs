//! Many student records in two allocations: what an import hands from its reader to its writer
//! a slice at a time, where a `String` per value would cost some thirty allocations a line
//! (and as many frees, on another thread).

use super::{Fingerprint, StudentRecord};

/// Where a text value of a batched record lies in its batch's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextSpan {
    start: u32,
    end: u32,
}

/// Student records with their fingerprints: the text values back to back in one string, each
/// record holding [`TextSpan`]s into it. Read back as views ([`StudentRecord<&str>`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordBatch {
    text: String,
    records: Vec<(StudentRecord<TextSpan>, Fingerprint)>,
}

impl RecordBatch {
    /// Room for `records` records holding `text_bytes` bytes of text in all, reserved at once.
    pub fn with_capacity(records: usize, text_bytes: usize) -> RecordBatch {
        RecordBatch { text: String::with_capacity(text_bytes), records: Vec::with_capacity(records) }
    }

    /// Owned records, their fingerprints computed (tests, and writers of a few records).
    pub fn of_records<'r>(records: impl IntoIterator<Item = &'r StudentRecord>) -> RecordBatch {
        let mut batch = RecordBatch::default();
        for record in records {
            batch.push(&record.as_view(), Fingerprint::of(record));
        }
        batch
    }

    /// Empties the batch, keeping its memory for the next records: an import fills one batch
    /// after another of the same size, and fresh memory costs the kernel's zeroing every time.
    pub fn clear(&mut self) {
        self.text.clear();
        self.records.clear();
    }

    /// Makes room for `records` more records holding `text_bytes` more bytes of text.
    pub fn reserve(&mut self, records: usize, text_bytes: usize) {
        self.records.reserve(records);
        self.text.reserve(text_bytes);
    }

    /// Keeps only the records whose index (before the call) `keep` accepts, in order. Their text
    /// stays where it is: cheaper than copying the kept ones into another batch.
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let mut index = 0;
        self.records.retain(|_| {
            let kept = keep(index);
            index += 1;
            kept
        });
    }

    /// Copies a record's text in; returns its index. `fingerprint` must be the record's.
    pub fn push(&mut self, record: &StudentRecord<&str>, fingerprint: Fingerprint) -> usize {
        let text = &mut self.text;
        let spanned = record.map_text(|value| {
            let start = offset(text.len());
            text.push_str(value);
            TextSpan { start, end: offset(text.len()) }
        });
        self.records.push((spanned, fingerprint));
        self.records.len() - 1
    }

    /// The record at `index` and its fingerprint.
    ///
    /// # Panics
    /// When `index` is not below [`RecordBatch::len`].
    pub fn get(&self, index: usize) -> (StudentRecord<&str>, Fingerprint) {
        let (record, fingerprint) = &self.records[index];
        (self.view(record), *fingerprint)
    }

    /// Every record in push order, with its fingerprint.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (StudentRecord<&str>, Fingerprint)> + '_ {
        self.records.iter().map(|(record, fingerprint)| (self.view(record), *fingerprint))
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Bytes of text held, for sizing the next batch.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    fn view(&self, record: &StudentRecord<TextSpan>) -> StudentRecord<&str> {
        record.map_text(|span| &self.text[span.start as usize..span.end as usize])
    }
}

fn offset(length: usize) -> u32 {
    u32::try_from(length).expect("a batch holds less than 4 GiB of text: imports batch a few thousand lines")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::student::{BirthDate, Ine, MandatoryValues, Sexe};

    fn record(nom: &str, adr1: Option<&str>) -> StudentRecord {
        let today = jiff::civil::date(2026, 11, 28);
        let mut record = StudentRecord::new(MandatoryValues {
            cod_anu: "2026".to_owned(),
            nom: nom.to_owned(),
            prenom1: "Zoé".to_owned(),
            sexe: Sexe::Feminin,
            datenai: BirthDate::new(jiff::civil::date(2004, 2, 29), today).unwrap(),
            code_natio: "100".to_owned(),
            etb: "0999001A".to_owned(),
            cmp: "DRT".to_owned(),
        });
        record.adr1 = adr1.map(str::to_owned);
        record.cod_nne = Some(Ine::parse("1234567890V").unwrap());
        record
    }

    #[test]
    fn records_come_back_as_they_went_in_with_their_fingerprints() {
        let records = [record("Lefèvre", Some("12 rue de l’Église")), record("", None), record("Œdipe", Some(""))];
        let batch = RecordBatch::of_records(&records);
        assert_eq!(batch.len(), 3);
        for (index, original) in records.iter().enumerate() {
            let (view, fingerprint) = batch.get(index);
            assert_eq!(view.to_owned_record(), *original);
            assert_eq!(fingerprint, Fingerprint::of(original));
        }
        let back: Vec<StudentRecord> = batch.iter().map(|(view, _)| view.to_owned_record()).collect();
        assert_eq!(back, records);
    }

    #[test]
    fn retained_records_keep_their_values_and_order() {
        let records = [record("Un", Some("1 rue A")), record("Deux", None), record("Trois", Some("3 rue C"))];
        let mut batch = RecordBatch::of_records(&records);
        batch.retain(|index| index != 1);
        let kept: Vec<StudentRecord> = batch.iter().map(|(view, _)| view.to_owned_record()).collect();
        assert_eq!(kept, [records[0].clone(), records[2].clone()]);
        batch.clear();
        assert!(batch.is_empty());
        batch.push(&records[1].as_view(), Fingerprint::of(&records[1]));
        assert_eq!(batch.get(0).0.to_owned_record(), records[1]);
    }
}
