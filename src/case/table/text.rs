//! CSV tables as text: UTF-8 or GB18030, any line end, with every record's physical line.

use super::*;

/// The byte offset at which each physical line starts: after `\n`, after `\r\n`, and after a
/// `\r` that no `\n` follows (old Mac files), as a text editor counts them.
pub(super) fn line_starts(body: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\n' => starts.push(i + 1),
            b'\r' if body.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Turns byte offsets, met in increasing order, into 1-based physical line numbers.
pub(super) struct Lines<'b> {
    pub(super) body: &'b [u8],
    pub(super) starts: Vec<usize>,
    pub(super) at: usize,
}

impl<'b> Lines<'b> {
    pub(super) fn new(body: &'b [u8]) -> Lines<'b> {
        Lines {
            body,
            starts: line_starts(body),
            at: 0,
        }
    }

    /// The line of the record that starts at `byte`. The csv crate gives a record after a
    /// CRLF the offset of that `\n`; a record never starts with a line end, so line-end bytes
    /// are skipped first.
    pub(super) fn line_of(&mut self, byte: u64) -> u64 {
        let mut byte = byte as usize;
        while matches!(self.body.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        while self.at + 1 < self.starts.len() && self.starts[self.at + 1] <= byte {
            self.at += 1;
        }
        if self.at > 0 && self.starts[self.at] > byte {
            // an error may point back inside the record: search from the start
            self.at = self
                .starts
                .partition_point(|&s| s <= byte)
                .saturating_sub(1);
        }
        self.at as u64 + 1
    }
}

/// The text of a CSV file: UTF-8 as it is (BOM removed), anything else decoded as GB18030
/// with one warning. `Err` names the first line that is neither.
pub(super) fn csv_text(
    bytes: Vec<u8>,
    file: &str,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, u64> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(body) => body.to_vec(),
        None => bytes,
    };
    if std::str::from_utf8(&bytes).is_ok() {
        return Ok(bytes);
    }
    let gb = encoding_rs::GB18030;
    if let Some(text) = gb.decode_without_bom_handling_and_without_replacement(&bytes) {
        diags.warning(
            file,
            None,
            None,
            "read as GB18030 (the file is not UTF-8: Excel's plain \"CSV\" on a Chinese Windows); save as \"CSV UTF-8\" to silence this".into(),
        );
        return Ok(text.into_owned().into_bytes());
    }
    let starts = line_starts(&bytes);
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(bytes.len());
        let line = &bytes[start..end];
        if std::str::from_utf8(line).is_err()
            && gb
                .decode_without_bom_handling_and_without_replacement(line)
                .is_none()
        {
            return Err(k as u64 + 1);
        }
    }
    Err(1)
}

pub(super) fn read_csv(
    path: &Path,
    file: &str,
    required: &[&str],
    diags: &mut Diagnostics,
    mut each: impl FnMut(&Row, &mut Diagnostics),
) -> bool {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.error(
                file,
                None,
                None,
                format!("cannot read {}: {e}", path.display()),
            );
            return false;
        }
    };
    let body = match csv_text(bytes, file, diags) {
        Ok(b) => b,
        Err(line) => {
            diags.error(
                file,
                Some(line),
                None,
                "the line is neither UTF-8 nor GB18030: save the file as \"CSV UTF-8\"".into(),
            );
            return false;
        }
    };
    let mut lines = Lines::new(&body);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body.as_slice());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.error(file, Some(1), None, format!("cannot read the header: {e}"));
            return false;
        }
    };
    let Some(columns) = header_map(&header, file, required, diags) else {
        return false;
    };
    let width = header.len();
    let mut record = StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_of(record.position().map_or(0, |p| p.byte()));
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                if record.len() != width {
                    diags.error(
                        file,
                        Some(line),
                        None,
                        format!(
                            "expected {width} fields as in the header, found {}",
                            record.len()
                        ),
                    );
                    continue;
                }
                let row = Row {
                    file,
                    line,
                    record: &record,
                    numeric: &[],
                    letters: &[],
                    columns: &columns,
                };
                each(&row, diags);
            }
            Err(e) => {
                let line = e.position().map(|p| lines.line_of(p.byte()));
                diags.error(file, line, None, format!("cannot parse the line: {e}"));
                break;
            }
        }
    }
    true
}
