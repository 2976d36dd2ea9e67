//! `to-xlsx`: a case's CSV tables as the workbooks officials keep them in, typed as Excel
//! types them (numbers, dates, times; IDs and codes as text).

use super::*;

/// Columns a user's sheet holds as dates, as times of day, and as text whatever they look like.
pub(super) const DATE_COLUMNS: [&str; 2] = ["date", "filed_on"];

pub(super) const TIME_COLUMNS: [&str; 2] = ["start", "end"];

pub(super) const TEXT_COLUMNS: [&str; 10] = [
    "id_number",
    "credit_code",
    "candidate_id",
    "code",
    "id",
    "expert_id",
    "employer",
    "staff_id",
    "supervisor_id",
    // staff.csv's declared relations: resident IDs, 18 digits Excel would round as a number
    "conflicts",
];

/// `to-xlsx`: every CSV table of a case folder as `NAME.xlsx`, typed as a user's workbook holds
/// it (numbers as numbers, dates and times as Excel dates, IDs and codes as text), `case.toml`
/// copied; for officials who keep the case in Excel. Returns the number of tables written.
pub fn case_to_xlsx(case_dir: &std::path::Path, out: &std::path::Path) -> std::io::Result<usize> {
    let staging = crate::output::staging::Staging::new(out)?;
    let mut written = 0;
    for table in crate::case::columns::TABLES {
        let path = case_dir.join(format!("{table}.csv"));
        if !path.is_file() {
            continue;
        }
        let bytes = table_to_xlsx(&path)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        staging.add_bytes(&format!("{table}.xlsx"), &bytes)?;
        written += 1;
    }
    let toml = std::fs::read(case_dir.join("case.toml"))?;
    staging.add_bytes("case.toml", &toml)?;
    staging.commit(&CASE_XLSX_FILES)?;
    Ok(written)
}

/// Every file `to-xlsx` may write.
pub const CASE_XLSX_FILES: [&str; 16] = [
    "case.toml",
    "prefectures.xlsx",
    "distances.xlsx",
    "occupations.xlsx",
    "institutions.xlsx",
    "assessment.xlsx",
    "rooms.xlsx",
    "filings.xlsx",
    "sessions.xlsx",
    "holidays.xlsx",
    "candidates.xlsx",
    "demand.xlsx",
    "materials.xlsx",
    "experts.xlsx",
    "staff.xlsx",
    "supervisors.xlsx",
];

pub(super) fn table_to_xlsx(path: &std::path::Path) -> Result<Vec<u8>, XlsxError> {
    let bad = |e: &dyn std::fmt::Display| XlsxError::ParameterError(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    let text = std::fs::read_to_string(path).map_err(|e| bad(&e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(&e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h)?;
    }
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(&e))?;
        let row = r as u32 + 1;
        for (c, value) in record.iter().enumerate() {
            let (col, name) = (c as u16, header.get(c).map_or("", String::as_str));
            if value.is_empty() {
                continue;
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(value.width());
            }
            let parsed = rust_xlsxwriter::ExcelDateTime::parse_from_str(value);
            match parsed {
                Ok(d) if DATE_COLUMNS.contains(&name) => {
                    sheet.write_datetime_with_format(row, col, d, &date)?;
                }
                Ok(d) if TIME_COLUMNS.contains(&name) => {
                    sheet.write_datetime_with_format(row, col, d, &time)?;
                }
                _ => match value.parse::<f64>() {
                    Ok(n) if n.is_finite() && !TEXT_COLUMNS.contains(&name) => {
                        sheet.write_number(row, col, n)?;
                    }
                    _ => {
                        sheet.write_string(row, col, value)?;
                    }
                },
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    size_columns(sheet, &widths)?;
    book.save_to_buffer()
}
