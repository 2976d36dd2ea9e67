//! The one CSV writer of every output: text that a spreadsheet would run is written inert.
//!
//! A candidate named `=HYPERLINK(…)` or an institution named `+1+cmd|…` is a formula once Excel
//! opens the CSV. OWASP's rule: a text cell beginning with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is written with a leading `'`. Numbers (`-12.5`, `+3`) are left as they
//! are: Excel reads them as numbers, which run nothing. Input files (`generate`) are not
//! outputs for people and keep their text.

use serde::Serialize;
use std::borrow::Cow;

/// `field` as it may stand in a CSV cell: with a leading `'` when a spreadsheet would take it
/// for a formula.
pub fn neutral(field: &[u8]) -> Cow<'_, [u8]> {
    match field.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_number(field) => {
            let mut out = Vec::with_capacity(field.len() + 1);
            out.push(b'\'');
            out.extend_from_slice(field);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(field),
    }
}

/// A cell read back from a file this writer wrote, as it was before [`neutral`]: the plan's
/// own readers (`verify`, `replan`) compare it with the case.
pub fn restore(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if neutral(rest.as_bytes()).len() == rest.len() + 1 => rest,
        _ => field,
    }
}

/// serde's `deserialize_with` for a borrowed cell of a plan file: [`restore`]d.
pub fn restored<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'de str, D::Error> {
    let s: &'de str = serde::Deserialize::deserialize(d)?;
    Ok(restore(s))
}

/// serde's `deserialize_with` for an owned cell of a plan file: [`restore`]d.
pub fn restored_owned<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s: String = serde::Deserialize::deserialize(d)?;
    Ok(restore(&s).to_string())
}

/// A plain decimal number (`-12.5`, `+3`, `-1e3`), which a spreadsheet reads as a value.
fn is_number(field: &[u8]) -> bool {
    std::str::from_utf8(field)
        .ok()
        .filter(|s| {
            s.bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        })
        .is_some_and(|s| s.parse::<f64>().is_ok())
}

/// A `csv::Writer` whose every field passes [`neutral`].
pub struct Writer<W: std::io::Write> {
    inner: csv::Writer<W>,
    /// Serde's rendering of one row, read back as fields.
    scratch: Vec<u8>,
    /// The parser of `scratch`, built once: building a csv reader per row cost more than the
    /// row (a profile of `exam-day` at 1,000,000 registrations).
    parser: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl<W: std::io::Write> Writer<W> {
    /// A writer with no header of its own: the caller writes it (as [`write_record`]) or
    /// the bytes already hold it.
    ///
    /// [`write_record`]: Writer::write_record
    pub fn from_writer(w: W) -> Writer<W> {
        Writer {
            inner: csv::WriterBuilder::new().has_headers(false).from_writer(w),
            scratch: Vec::new(),
            parser: csv_core::Reader::new(),
            fields: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Writes one record, each field made inert.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let fields: Vec<T> = record.into_iter().collect();
        self.inner
            .write_record(fields.iter().map(|f| neutral(f.as_ref())))
    }

    /// Writes one row of a `Serialize` type (no header), each field made inert.
    pub fn serialize<S: Serialize>(&mut self, row: S) -> csv::Result<()> {
        self.scratch.clear();
        {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut self.scratch);
            w.serialize(row)?;
            w.flush()?;
        }
        // one record ending in its terminator: its fields are no longer than the row and no
        // more than its bytes
        self.fields.resize(self.scratch.len(), 0);
        self.ends.resize(self.scratch.len() + 1, 0);
        self.parser.reset();
        let (result, _, _, count) =
            self.parser
                .read_record(&self.scratch, &mut self.fields, &mut self.ends);
        if !matches!(result, csv_core::ReadRecordResult::Record) {
            return Err(csv::Error::from(std::io::Error::other(format!(
                "a serialised row did not read back as one record: {result:?}"
            ))));
        }
        let mut start = 0;
        let fields = &self.fields;
        let cells = self.ends[..count].iter().map(|&end| {
            let cell = &fields[start..end];
            start = end;
            neutral(cell)
        });
        self.inner.write_record(cells)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// The bytes' destination, flushed.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_get_a_quote_and_numbers_do_not() {
        for (given, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("张三", "张三"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(
                neutral(given.as_bytes()).as_ref(),
                want.as_bytes(),
                "{given:?}"
            );
            assert_eq!(restore(want), given, "{want:?} read back");
        }
    }

    #[test]
    fn serialized_rows_are_neutralised_field_by_field() {
        #[derive(Serialize)]
        struct Row<'a> {
            name: &'a str,
            km: f64,
            note: &'a str,
        }
        let mut w = Writer::from_writer(Vec::new());
        w.write_record(["name", "km", "note"]).unwrap();
        w.serialize(Row {
            name: "=1+1",
            km: -3.5,
            note: "a, \"quoted\" one",
        })
        .unwrap();
        let bytes = w.into_inner().unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "name,km,note\n'=1+1,-3.5,\"a, \"\"quoted\"\" one\"\n"
        );
    }
}
