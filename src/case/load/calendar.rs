//! The quarter's calendar: the sessions the centre opened and the public holidays.

use super::*;

pub(super) fn read_sessions(folder: &Folder, diags: &mut Diagnostics) -> Vec<Session> {
    let mut out = Vec::new();
    read_table(
        folder,
        "sessions",
        &columns::SESSIONS,
        diags,
        |row, diags| {
            let date = row.parse_date(diags, "date");
            let start = row.parse_time(diags, "start");
            let end = row.parse_time(diags, "end");
            if let (Some(date), Some(start), Some(end)) = (date, start, end) {
                if end <= start {
                    row.error(
                        diags,
                        "end",
                        format!(
                            "the session ends ({}) before it starts ({})",
                            end.format("%H:%M"),
                            start.format("%H:%M")
                        ),
                    );
                    return;
                }
                out.push(Session { date, start, end });
            }
        },
    );
    out.sort();
    out
}

pub(super) fn read_holidays(folder: &Folder, diags: &mut Diagnostics) -> Vec<Holiday> {
    let mut out = Vec::new();
    if !folder.has("holidays") {
        return out;
    }
    read_table(
        folder,
        "holidays",
        &columns::HOLIDAYS,
        diags,
        |row, diags| {
            let date = row.parse_date(diags, "date");
            let kind = row.required(diags, "kind");
            if let (Some(date), Some(kind)) = (date, kind) {
                match kind {
                    "off" => out.push(Holiday { date, off: true }),
                    "workday" => out.push(Holiday { date, off: false }),
                    other => row.error(
                        diags,
                        "kind",
                        format!("expected off or workday, found {other:?}"),
                    ),
                }
            }
        },
    );
    out
}
