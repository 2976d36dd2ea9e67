//! Exam day's tables: the institutions' staff (监考, 主考, 巡考) and the quality supervisors the
//! centres dispatch. Both are optional; `exam-day` needs them.

use super::*;

/// staff.csv: every member at a known institution, in a known role, unavailable only at
/// sessions the quarter has, conflicts given as valid resident IDs.
pub(super) fn read_staff(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
    sessions: &[Session],
) -> Option<Vec<StaffMember>> {
    if !folder.has("staff") {
        return None;
    }
    let slot_of = |text: &str| {
        sessions
            .iter()
            .position(|s| format!("{} {}", s.date, s.start.format("%H:%M")) == text.trim())
    };
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::default();
    read_table(folder, "staff", &columns::STAFF, diags, |row, diags| {
        let id = row.key(diags, "staff_id");
        let name = row.required(diags, "name");
        let id_number = row.identifier(diags, "id_number").filter(|id| {
            let checked = checks::check_resident_id(id);
            if let Err(m) = &checked {
                row.error(diags, "id_number", m.clone());
            }
            checked.is_ok()
        });
        let institution = resolve_institution(row, diags, names, "institution_id");
        let role = row.required(diags, "role").and_then(|t| {
            let role = Role::parse(t.trim());
            if role.is_none() {
                row.error(
                    diags,
                    "role",
                    format!("expected one of {}, found {t:?}", Role::LABELS.join(", ")),
                );
            }
            role
        });
        let max_slots = row.parse_u32(diags, "max_slots");
        let mut unavailable = Vec::new();
        let mut ok = true;
        for text in split_list(row.text("unavailable")) {
            match slot_of(text) {
                Some(t) => unavailable.push(t),
                None => {
                    row.error(
                        diags,
                        "unavailable",
                        format!("{text:?} is not a session in sessions.csv (write YYYY-MM-DD HH:MM, the session's date and start)"),
                    );
                    ok = false;
                }
            }
        }
        let mut conflicts = Vec::new();
        for text in split_list(row.text("conflicts")) {
            match checks::check_resident_id(text) {
                Ok(()) => conflicts.push(text.to_ascii_uppercase()),
                Err(m) => {
                    row.error(diags, "conflicts", m);
                    ok = false;
                }
            }
        }
        let (
            Some(id),
            Some(name),
            Some(id_number),
            Some(institution),
            Some(role),
            Some(max_slots),
            true,
        ) = (id, name, id_number, institution, role, max_slots, ok)
        else {
            return;
        };
        if let Some(line) = first_line.get(id) {
            row.error(
                diags,
                "staff_id",
                format!("duplicate staff_id {id}: line {line} has it too"),
            );
            return;
        }
        first_line.insert(id.to_string(), row.line);
        out.push(StaffMember {
            staff_id: id.to_string(),
            name: name.to_string(),
            id_number: id_number.to_ascii_uppercase(),
            institution,
            role,
            max_slots,
            unavailable,
            conflicts,
        });
    });
    Some(out)
}

/// supervisors.csv: every supervisor from a known prefecture.
pub(super) fn read_supervisors(
    folder: &Folder,
    diags: &mut Diagnostics,
    names: &Names,
) -> Option<Vec<Supervisor>> {
    if !folder.has("supervisors") {
        return None;
    }
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::default();
    read_table(
        folder,
        "supervisors",
        &columns::SUPERVISORS,
        diags,
        |row, diags| {
            let id = row.key(diags, "supervisor_id");
            let name = row.required(diags, "name");
            let prefecture = resolve_prefecture(row, diags, names, "prefecture");
            let max_slots = row.parse_u32(diags, "max_slots");
            let (Some(id), Some(name), Some(prefecture), Some(max_slots)) =
                (id, name, prefecture, max_slots)
            else {
                return;
            };
            if let Some(line) = first_line.get(id) {
                row.error(
                    diags,
                    "supervisor_id",
                    format!("duplicate supervisor_id {id}: line {line} has it too"),
                );
                return;
            }
            first_line.insert(id.to_string(), row.line);
            out.push(Supervisor {
                supervisor_id: id.to_string(),
                name: name.to_string(),
                prefecture,
                employer: row.text("employer").to_string(),
                max_slots,
            });
        },
    );
    Some(out)
}
